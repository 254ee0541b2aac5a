"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES). Its own module: DRF imports it
while loading rest_framework.views, so it may import nothing that imports views (as mocua.authentication)."""

from rest_framework import exceptions, parsers

MAX_DEPTH = 20


class JSONParser(parsers.JSONParser):
    """DRF's, refusing a body nested deeper than MAX_DEPTH (400) instead of recursing into a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("Dữ liệu JSON lồng nhau quá sâu.", code="too_deep") from None
        if _depth(data) > MAX_DEPTH:
            raise exceptions.ParseError("Dữ liệu JSON lồng nhau quá sâu.", code="too_deep")
        return data


def _depth(data) -> int:
    """How deeply lists and objects nest (iterative: the point is not to recurse)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest

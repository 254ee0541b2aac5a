"""Form widgets rendered in Python, for forms on pages that must stay fast."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A <select> of flat choices built with format_html instead of one template per option.

    Django renders each option through its own template, and the leaders' filter form holds a
    hundred procedures, the units and the months on every page (docs/benchmarks.md). The markup is the
    template's: attributes (id, required, aria-invalid …) then the options, `selected` on the
    chosen one. Grouped choices keep Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))

        def option(key, label) -> tuple:
            key = "" if key is None else key
            return key, " selected" if str(key) in chosen else "", label

        options = format_html_join("", '<option value="{}"{}>{}</option>', (option(*c) for c in choices))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)

"""The rating levels are defined once: the summary tables count them (dossiers.figures), the ratings
app stores them (ratings.models.Level)."""

from dossiers import figures
from ratings.models import Level


def test_the_ratings_levels_are_the_figures_levels():
    assert set(Level.values) == {figures.RATING_VERY_SATISFIED, figures.RATING_SATISFIED,
                                 figures.RATING_NOT_SATISFIED}
    assert set(figures.RATING_GOOD) == {Level.VERY_SATISFIED, Level.SATISFIED}
    assert figures.RATING_BAD == Level.NOT_SATISFIED

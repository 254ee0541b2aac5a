"""The leaders' figures: one report a module (periods, scope, report06, dashboard, officers,
breakdown, index766), read from the summary tables (dossiers.figures) and the open dossiers, with
their form, pages, API, exports and URLs. Pure reads."""

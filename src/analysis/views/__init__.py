"""Views: model results in the report language, as sentences, text tables and charts."""

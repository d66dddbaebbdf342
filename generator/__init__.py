"""Static briefing-site generator: content/ (YAML + Markdown) -> site/ (HTML)."""

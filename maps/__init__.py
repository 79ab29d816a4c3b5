"""The partner map: places abroad, drawn as SVG on the server, and the map pages."""

"""The secretaries' web console (Sanic, Jinja2, server-sent events) and its storage; see docs/console.md."""

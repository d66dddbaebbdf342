"""The preview server's parts: the build side (`previewer.py`, choosing what to rebuild by
`plan.py`), request guards, the update log, the HTTP server, the file watcher and the browser's
reload script. `generator/serve.py` wires them together."""

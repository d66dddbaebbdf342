"""The preview server's parts: request guards, the update log, the HTTP server, the file watcher
and the browser's reload script. `generator/serve.py` wires them to the `Previewer`."""

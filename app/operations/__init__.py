"""Worker-side work, one module per area: typed functions the job runner calls off the GUI thread."""

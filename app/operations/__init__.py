"""Worker-side operations, one module per area (typed functions the job runner calls; no widgets)."""

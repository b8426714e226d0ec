"""Number screening and transcript scam-script detection. Plain Python, no Qt."""

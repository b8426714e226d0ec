"""Community lists in the running app (issue 15): the background update scheduler.  No widgets here."""

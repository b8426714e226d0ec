"""Qt item models for the Check, Recordings, Lists and History tables (fed from services, never from SQL)."""

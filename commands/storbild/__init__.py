"""The storbild: what the web view shows (week, year, area) and its kiosk links, as plain values."""

"""Files made from the data: the year picture (PNG) and the workbook (XLSX)."""

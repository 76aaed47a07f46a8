"""The DOCX template of the АОСР form and the script that builds it."""

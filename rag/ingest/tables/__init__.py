"""Indicator tables: ruled PDF tables and DOCX ``w:tbl`` data tables -> ``Table`` records.

``pdf_grid`` builds the grid from a PDF page's rulings and glyphs, ``docx_tables``
from Word's merged cells; ``grid`` turns either grid into a ``Table`` (header
paths, row label paths, cells with numbers); ``rows`` has the number and row-code
rules.
"""

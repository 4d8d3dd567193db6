"""Open data: what the site publishes, in files a spreadsheet or a program can read again.

- :mod:`~vccap.opendata.excel`: CSV files that French Excel opens in columns (``;``,
  decimal comma, UTF-8 with a byte-order mark, dates as ``jj/mm/aaaa``);
- :mod:`~vccap.opendata.pagetables`: each page's tables as such CSV files, linked under
  each table (the cells the page shows, nothing else);
- :mod:`~vccap.opendata.package`: the site's published figures as a data package
  (``donnees/datapackage.json``, Table Schemas, Licence Ouverte 2.0), the input of
  ``vccap federer``.
"""

"""The published site: pages from executed notebooks, the index, shared assets.

- :mod:`vccap.site.publish`: assets, site templates, atomic writes (no nbconvert).
- :mod:`vccap.site.render`: executed notebooks -> HTML pages (nbconvert, imported only where
  needed).
- :mod:`vccap.site.index`: the front page, from the pages' summaries.
"""

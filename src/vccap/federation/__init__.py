"""``vccap federer``: a national site from several regions' published data packages.

- :mod:`~vccap.federation.packages`: reading a region's ``donnees/datapackage.json``
  (validated with frictionless; only the fields of the kit's own schemas are kept);
- :mod:`~vccap.federation.figures`: national totals per year and per action type, published
  only when every regional figure they add up is itself published, and their audit;
- :mod:`~vccap.federation.site`: the national pages (directory of regions, national figures,
  a national method sheet per action type) with the regional site's templates.

Nothing but what the regions published is read: no raw table, key or pseudonym can reach
the national site, and no national figure re-opens a figure a region masked (see
:mod:`~vccap.federation.figures`).
"""

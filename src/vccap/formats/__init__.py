"""What a build writes besides the site's HTML pages: Word and PDF documents, a Quarto project.

- :mod:`~vccap.formats.images` draws the charts as PNG images (matplotlib);
- :mod:`~vccap.formats.word` turns a page into a ``.docx`` (pandoc from ``pypandoc-binary``);
- :mod:`~vccap.formats.pdf` prints a page to PDF with a headless Chromium, when one is found;
- :mod:`~vccap.formats.documents` writes a job's documents and says which formats exist;
- :mod:`~vccap.formats.quarto` writes a Quarto website project of a built site.
"""

"""Disclosure control of everything the site publishes about people.

- :mod:`~vccap.disclosure.ledger`: what a published number counts (a :class:`Figure`) and a
  page's record of what it shows and hides;
- :mod:`~vccap.disclosure.policy`: the one policy of every published number (the page side);
- :mod:`~vccap.disclosure.populations`: the populations counted, to evaluate a figure;
- :mod:`~vccap.disclosure.lp`: the attacker's linear model of everything published;
- :mod:`~vccap.disclosure.control`: the statistical audit and secondary suppression.
"""

# vccap — commandes du projet. « make » seul affiche cette aide.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
WORKSPACE ?= data
OUT ?= reports

help: ## Afficher cette aide
	@echo "vccap — capitaliser et transférer les actions ville-campagne"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "vccap demande Python 3.11 ou plus récent ($(PYTHON) est trop ancien)." >&2; exit 1; }
	@echo "Préparation de l'environnement $(VENV) (une seule fois, environ une minute)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip > $(VENV)/installation.log 2>&1 || true
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]' >> $(VENV)/installation.log 2>&1 || \
	  { cat $(VENV)/installation.log >&2; echo "L'installation a échoué : le détail (en anglais, de pip) est ci-dessus et dans $(VENV)/installation.log." >&2; exit 1; }
	@touch $(STAMP)
	@echo "Environnement prêt."

venv: $(STAMP) ## Créer ou mettre à jour l'environnement Python (.venv)

reports: $(STAMP) ## Construire le site de l'espace d'exemple dans reports/
	@$(BIN)/vccap build $(WORKSPACE) -o $(OUT)
	@echo "Site : $(CURDIR)/$(OUT)/index.html"

test: $(STAMP) ## Lancer tous les tests
	@$(BIN)/python -m pytest

lint: $(STAMP) ## Vérifier le style du code (ruff)
	@$(BIN)/ruff check src tests benchmarks tools
	@$(BIN)/ruff format --check src tests benchmarks tools

format: $(STAMP) ## Mettre en forme le code (ruff)
	@$(BIN)/ruff check --fix src tests benchmarks tools
	@$(BIN)/ruff format src tests benchmarks tools

lab: $(STAMP) ## Ouvrir JupyterLab sur notebooks/
	@$(BIN)/python -c 'import jupyterlab' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[test,lab]'
	@$(BIN)/jupyter lab notebooks/

clean: ## Supprimer le site généré et les caches (garde .venv)
	rm -rf $(OUT) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Tout supprimer, environnement compris
	rm -rf $(VENV)

.PHONY: help venv reports test lint format lab clean distclean

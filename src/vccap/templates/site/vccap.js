/* vccap: charts drawn without blocking the page, tables that scroll on a phone, printing.
   Loaded (deferred) by every page. plotly.js (4.7 MB) is fetched only when a chart comes
   near the screen, or before printing; each chart is drawn from its JSON
   (<script type="application/json" class="vc-graphique-donnees" data-pour="ID">).
   A page opened with #impression draws every chart at print width and opens the tables
   behind the charts at once (this is how vccap makes its PDF files). */
(function () {
  "use strict";

  var script = document.currentScript;
  var PLOTLY_SRC = script ? script.getAttribute("data-plotly") : null;
  // A4 portrait with 15 mm margins leaves 180 mm (680 CSS pixels); charts are
  // printed 640 px wide, inside the 170 mm box of the print stylesheet.
  var PRINT_WIDTH = 640;
  var FOR_PRINT = window.location.hash === "#impression";
  var loading = null;
  var printing = false;

  // French number and date formats, and the French labels of plotly.js.
  var FRENCH = {
    moduleType: "locale",
    name: "fr",
    dictionary: {
      "Autoscale": "Échelle automatique",
      "Box Select": "Sélection rectangulaire",
      "Compare data on hover": "Comparer les données au survol",
      "Double-click on legend to isolate one trace": "Double-cliquer sur la légende pour isoler une série",
      "Double-click to zoom back out": "Double-cliquer pour revenir à la vue d’ensemble",
      "Download plot as a PNG": "Télécharger le graphique (PNG)",
      "Download plot": "Télécharger le graphique",
      "Lasso Select": "Sélection au lasso",
      "Pan": "Déplacer",
      "Produced with Plotly.js": "Réalisé avec Plotly.js",
      "Reset axes": "Réinitialiser les axes",
      "Reset view": "Réinitialiser la vue",
      "Reset views": "Réinitialiser les vues",
      "Show closest data on hover": "Afficher la donnée la plus proche au survol",
      "Snapshot succeeded": "Image enregistrée",
      "Sorry, there was a problem downloading your snapshot!": "Le téléchargement de l’image a échoué.",
      "Taking snapshot - this may take a few seconds": "Création de l’image, quelques secondes…",
      "Toggle Spike Lines": "Afficher ou masquer les repères",
      "Toggle show closest data on hover": "Activer ou désactiver le survol",
      "Zoom": "Zoom",
      "Zoom in": "Zoom avant",
      "Zoom out": "Zoom arrière",
      "trace": "série",
      "max:": "max. :",
      "mean:": "moyenne :",
      "median:": "médiane :",
      "min:": "min. :",
      "q1:": "q1 :",
      "q3:": "q3 :"
    },
    format: {
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                    "sept.", "oct.", "nov.", "déc."],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "\u202f",
      year: "%Y",
      month: "%b %Y",
      dayMonth: "%-d %b",
      dayMonthYear: "%-d %b %Y"
    }
  };

  function loadPlotly() {
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      if (window.Plotly) { resolve(window.Plotly); return; }
      if (!PLOTLY_SRC) { reject(new Error("plotly.js introuvable")); return; }
      var tag = document.createElement("script");
      tag.src = PLOTLY_SRC;
      tag.async = true;
      tag.onload = function () { resolve(window.Plotly); };
      tag.onerror = function () { reject(new Error("plotly.js introuvable")); };
      document.head.appendChild(tag);
    }).then(function (Plotly) {
      Plotly.register({ moduleType: "locale", name: "fr", dictionary: FRENCH.dictionary,
                        format: FRENCH.format });
      return Plotly;
    });
    return loading;
  }

  function spec(el) {
    var tag = document.querySelector(
      'script.vc-graphique-donnees[data-pour="' + el.id + '"]');
    return tag ? JSON.parse(tag.textContent) : null;
  }

  function draw(el) {
    if (el.getAttribute("data-vc-etat")) { return Promise.resolve(); }
    var chart = spec(el);
    if (!chart) { return Promise.resolve(); }
    el.setAttribute("data-vc-etat", "chargement");
    return loadPlotly().then(function (Plotly) {
      var layout = chart.layout || {};
      if (FOR_PRINT || printing) {
        el.setAttribute("data-vc-largeur", layout.width ? String(layout.width) : "");
        layout.width = Math.min(PRINT_WIDTH, layout.width || PRINT_WIDTH);
      }
      return Plotly.newPlot(el, chart.data || [], layout, chart.config || {});
    }).then(function () {
      el.setAttribute("data-vc-etat", "dessine");
    }, function () {
      el.setAttribute("data-vc-etat", "echec");
    });
  }

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll(".vc-graphique"));
  }

  function drawAll() {
    return Promise.all(charts().map(draw));
  }

  function watch() {
    var all = charts();
    if (!all.length) { return; }
    if (FOR_PRINT || !("IntersectionObserver" in window)) { drawAll(); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, { rootMargin: "400px 0px" });
    all.forEach(function (el) { observer.observe(el); });
  }

  // Tables that scroll sideways get a tab stop, so that the keyboard can scroll them.
  function scrollBoxes() {
    var boxes = document.querySelectorAll(".vc-defilement");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }

  // Printing shows the tables behind the charts (closed <details>) and prints charts at a
  // fixed width; both are put back afterwards.
  function openDetails() {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.setAttribute("open", "");
      d.setAttribute("data-vc-ouvert", "impression");
    });
  }

  function toPrint() {
    if (printing) { return; }
    printing = true;
    openDetails();
    charts().forEach(function (el) {
      if (el.getAttribute("data-vc-etat") !== "dessine") { return; }
      el.setAttribute("data-vc-largeur", el.layout && el.layout.width ? String(el.layout.width) : "");
      window.Plotly.relayout(el, { width: Math.min(PRINT_WIDTH, el.layout.width || PRINT_WIDTH) });
    });
  }

  function toScreen() {
    if (!printing) { return; }
    printing = false;
    Array.prototype.forEach.call(document.querySelectorAll("details[data-vc-ouvert]"), function (d) {
      d.removeAttribute("open");
      d.removeAttribute("data-vc-ouvert");
    });
    charts().forEach(function (el) {
      if (el.getAttribute("data-vc-etat") !== "dessine") { return; }
      var width = el.getAttribute("data-vc-largeur") ? Number(el.getAttribute("data-vc-largeur")) : null;
      window.Plotly.relayout(el, { width: width }).then(function () {
        if (width === null) { window.Plotly.Plots.resize(el); }
      });
    });
  }

  function start() {
    if (FOR_PRINT) {
      document.documentElement.classList.add("vc-impression");
      openDetails();
    }
    watch();
    scrollBoxes();
    window.addEventListener("resize", scrollBoxes);
    window.addEventListener("beforeprint", toPrint);
    window.addEventListener("afterprint", toScreen);
    if (window.matchMedia) {
      var query = window.matchMedia("print");
      var onChange = function (event) { if (event.matches) { toPrint(); } else { toScreen(); } };
      if (query.addEventListener) { query.addEventListener("change", onChange); }
      else if (query.addListener) { query.addListener(onChange); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

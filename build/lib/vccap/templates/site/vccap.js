/* vccap: French locale for plotly, and charts at a fixed width when printed.
   Loaded right after plotly.min.js, only on pages with charts. */
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }

  // French number and date formats, and the French labels of the chart toolbar.
  window.Plotly.register({
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
  });

  // A4 portrait with 15 mm margins leaves 180 mm (680 CSS pixels); charts are
  // printed 640 px wide, inside the 170 mm box of the print stylesheet.
  var PRINT_WIDTH = 640;
  var printing = false;

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll(".vc-graphique.js-plotly-plot"));
  }

  function toPrint() {
    if (printing) { return; }
    printing = true;
    charts().forEach(function (el) {
      el.dataset.vcLargeur = el.layout && el.layout.width ? String(el.layout.width) : "";
      window.Plotly.relayout(el, { width: Math.min(PRINT_WIDTH, el.layout.width || PRINT_WIDTH) });
    });
  }

  function toScreen() {
    if (!printing) { return; }
    printing = false;
    charts().forEach(function (el) {
      var width = el.dataset.vcLargeur ? Number(el.dataset.vcLargeur) : null;
      window.Plotly.relayout(el, { width: width }).then(function () {
        if (width === null) { window.Plotly.Plots.resize(el); }
      });
    });
  }

  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  if (window.matchMedia) {
    var query = window.matchMedia("print");
    var onChange = function (event) { if (event.matches) { toPrint(); } else { toScreen(); } };
    if (query.addEventListener) { query.addEventListener("change", onChange); }
    else if (query.addListener) { query.addListener(onChange); }
  }
}());

/* The public map: region borders, reports (clustered, coloured by status), upcoming cleanup
   events and tree plantings, each a switchable layer. Every text from the data is put in with
   textContent, never as HTML. Without tiles (offline, blocked) the borders and points stay
   readable on the plain background. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var config = JSON.parse(element.getAttribute("data-config"));
  var texts = config.texts;
  var statusLine = document.getElementById("map-status");

  function escapeHtml(text) {  // Leaflet puts layer names and attributions in as HTML
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function popup(lines, href, linkText) {
    var box = el("div", undefined, "map-popup");
    lines.forEach(function (line, i) { box.appendChild(el("p", line, i === 0 ? "map-popup-title" : "")); });
    if (href) {
      var p = el("p"), a = el("a", linkText);
      a.href = href;
      p.appendChild(a);
      box.appendChild(p);
    }
    return box;
  }

  var map = L.map(element, { center: [48.2, 67.5], zoom: 5, minZoom: 3, maxZoom: 18, zoomSnap: 0.25, keyboard: true });
  map.attributionControl.setPrefix(false);
  L.tileLayer(config.tiles, { maxZoom: 18, attribution: escapeHtml(texts.osm) + " · " + escapeHtml(texts.borders) }).addTo(map);

  var regions = L.geoJSON(null, {
    style: { color: "#263238", weight: 1.5, opacity: 0.9, fillColor: "#fffbe6", fillOpacity: 0.35 },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(el("span", feature.properties[config.lang] || feature.properties.en), { sticky: true });
    }
  });
  var reports = L.markerClusterGroup({ maxClusterRadius: 40, disableClusteringAtZoom: 13, showCoverageOnHover: false });
  var events = L.featureGroup();
  var trees = L.featureGroup();

  function reportMarker(feature, latlng) {
    var status = feature.properties.status;
    var marker = L.circleMarker(latlng, {
      radius: 7, weight: 2, color: "#ffffff", fillColor: config.colours[status] || "#5b6770", fillOpacity: 1,
      className: "pt pt-" + status
    });
    var code = feature.properties.code;
    marker.bindPopup(popup([code, texts.statuses[status] || status], "/r/" + encodeURIComponent(code) + "?lang=" + config.lang, texts.open_report));
    focusable(marker, code + ", " + (texts.statuses[status] || status));
    return marker;
  }

  // A point drawn as SVG is not a link: give it a place in the tab order, a name for screen
  // readers, and Enter or Space to open its popup (clusters are markers: Leaflet does theirs).
  function focusable(layer, label) {
    layer.on("add", function () {
      var path = layer.getElement();
      if (!path) { return; }
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "button");
      path.setAttribute("aria-label", label);
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          layer.openPopup();
        }
      });
    });
  }

  function setStatus(text) { if (statusLine) { statusLine.textContent = text; } }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  var truncated = false;
  function loadReports(bbox) {
    var url = "/api/reports.geojson" + (bbox ? "?bbox=" + bbox : "");
    return getJson(url).then(function (data) {
      truncated = Boolean(data.truncated);
      reports.clearLayers();
      reports.addLayers(data.features.map(function (f) {
        return reportMarker(f, L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]));
      }));
      element.setAttribute("data-reports", String(data.features.length));
      setStatus(truncated ? texts.truncated.replace("{n}", data.features.length) : "");
    });
  }

  function loadEvents() {
    return getJson("/api/events.geojson?lang=" + config.lang).then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties;
        var marker = L.circleMarker([c[1], c[0]], { radius: 8, weight: 3, color: "#0a58a8", fillColor: "#ffffff", fillOpacity: 1, className: "ev" })
          .bindPopup(popup([p.title, p.starts], "/e/" + encodeURIComponent(p.id) + "?lang=" + config.lang, texts.open_event));
        focusable(marker, p.title + ", " + p.starts);
        marker.addTo(events);
      });
    });
  }

  function loadTrees() {
    return getJson("/api/trees.geojson?lang=" + config.lang).then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, p = f.properties;
        var count = texts.trees_count.replace("{n}", p.count);
        var marker = L.circleMarker([c[1], c[0]], { radius: 5, weight: 1, color: "#ffffff", fillColor: "#2e7d32", fillOpacity: 1, className: "tr" })
          .bindPopup(popup([p.species, count]));
        focusable(marker, p.species + ", " + count);
        marker.addTo(trees);
      });
    });
  }

  regions.addTo(map);
  reports.addTo(map);
  events.addTo(map);
  trees.addTo(map);
  var overlays = {};
  overlays[escapeHtml(texts.layer_reports)] = reports;
  overlays[escapeHtml(texts.layer_events)] = events;
  overlays[escapeHtml(texts.layer_trees)] = trees;
  overlays[escapeHtml(texts.layer_regions)] = regions;
  // Open on a wide screen; on a phone a button (it would cover the map), opened by tap or Enter.
  L.control.layers(null, overlays, { collapsed: window.innerWidth < 600 }).addTo(map);

  var timer = null;
  map.on("moveend", function () {
    if (!truncated) { return; }  // everything is loaded already: nothing to fetch per view
    clearTimeout(timer);
    timer = setTimeout(function () {
      var b = map.getBounds().pad(0.2);
      var limits = [180, 90, 180, 90];
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v, i) {
        return Math.max(-limits[i], Math.min(limits[i], v)).toFixed(4);
      }).join(",");
      loadReports(bbox).catch(function () { setStatus(texts.load_failed); });
    }, 300);
  });

  Promise.all([
    getJson("/api/regions.geojson").then(function (data) {
      regions.addData(data);
      regions.bringToBack();
      map.fitBounds(regions.getBounds(), { padding: [8, 8], animate: false });
    }),
    loadReports(null), loadEvents(), loadTrees()
  ]).then(function () {
    element.setAttribute("data-loaded", "true");
  }).catch(function () {
    setStatus(texts.load_failed);
    element.setAttribute("data-loaded", "error");
  });
}());

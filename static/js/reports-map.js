/* The public map of neighbourhood reports (templates/feedback/map.html): Leaflet with the
   tiles of MAP_TILE_URL and the reports clustered (leaflet.markercluster). The data is the page's
   own JSON (data attributes) (public fields only); the list below the map says the same without JavaScript. */
(function () {
  "use strict";

  function popup(point, followLabel) {
    var box = document.createElement("div");
    var code = document.createElement("strong");
    code.textContent = point.code;
    box.appendChild(code);
    [point.category, point.state, point.unit].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = followLabel;
    box.appendChild(link);
    return box;
  }

  var element;

  function start() {
    element = document.getElementById("fb-map");
    if (!element || typeof L === "undefined") return;
    var config = JSON.parse(element.dataset.config);
    var points = JSON.parse(element.dataset.points || "[]");
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(config.tiles, {
      attribution: config.attribution,
      maxZoom: config.maxZoom,
    }).addTo(map);
    // The clustering plugin is on the page only when there are markers (templates/feedback/map.html).
    var clusters = L.markerClusterGroup
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 })
      : L.featureGroup();
    var markers = points.map(function (point) {
      var icon = L.divIcon({
        className: "fb-marker " + (point.open ? "fb-marker-open" : "fb-marker-closed"),
        iconSize: [22, 22],
      });
      var marker = L.marker([point.lat, point.lon], {
        icon: icon,
        title: point.code + " · " + point.category + " · " + point.state,
        alt: point.code,
      });
      marker.bindPopup(popup(point, element.dataset.labelFollow));
      return marker;
    });
    if (clusters.addLayers) {
      clusters.addLayers(markers);
    } else {
      markers.forEach(function (marker) { clusters.addLayer(marker); });
    }
    map.addLayer(clusters);
    if (markers.length) {
      map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 16 });
    } else {
      map.fitBounds(config.bounds);
    }
    element.dataset.ready = String(markers.length);
    areasLayer(map);
  }

  /* A ward's popup: its name, its People's Committee seat as an address from its source (not a
     point: no public source gives the seats' coordinates), or "unknown" when the source has none. */
  function seatPopup(properties, labels) {
    var box = document.createElement("div");
    box.className = "fb-seat-popup";
    var name = document.createElement("strong");
    name.textContent = properties.name;
    box.appendChild(name);
    var seat = document.createElement("div");
    seat.className = "fb-seat";
    seat.textContent = (labels.labelSeat || "") + " " + (properties.seat || labels.labelUnknown || "");
    box.appendChild(seat);
    if (properties.seat && properties.seat_source) {
      var source = document.createElement("small");
      source.className = "source";
      source.textContent = (labels.labelSource || "") + " " + properties.seat_source;
      box.appendChild(source);
    }
    return box;
  }

  /* The wards' boundaries (feedback/data/ward_areas.geojson, with their source in the layer's
     attribution), fetched only when the resident ticks the box: the page's first load stays
     light. */
  function areasLayer(map) {
    var box = document.getElementById("fb-areas");
    var tool = document.getElementById("fb-areas-tool");
    var status = document.getElementById("fb-areas-status");
    if (!box || !tool) return;
    tool.hidden = false;
    var layer = null;
    box.addEventListener("change", function () {
      if (!box.checked) {
        if (layer) map.removeLayer(layer);
        return;
      }
      if (layer) {
        layer.addTo(map);
        return;
      }
      box.disabled = true;
      fetch(box.dataset.url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          layer = L.geoJSON(data, {
            attribution: box.dataset.attribution,
            style: function (feature) {
              return {
                color: "#1f4e79",
                weight: 2,
                opacity: 0.8,
                fillOpacity: 0.04,
                className: "fb-area fb-area-" + feature.properties.code,
              };
            },
            onEachFeature: function (feature, shape) {
              shape.bindTooltip(feature.properties.name, { sticky: true });
              shape.bindPopup(seatPopup(feature.properties, box.dataset));
            },
          });
          layer.addTo(map);
          element.dataset.areas = String(data.features.length);
          status.textContent = "";
        })
        .catch(function () {
          box.checked = false;
          status.textContent = box.dataset.failed || "";
        })
        .then(function () {
          box.disabled = false;
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

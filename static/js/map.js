/* The partner map with tiles (templates/includes/partner_map.html, maps/partner_map.py).
 *
 * The page always carries a map drawn on the server as SVG. When MAP_TILE_URL is set, the
 * page also hands over the places in a JSON script element named by the frame's
 * data-map-data, and loads Leaflet (static/vendor/leaflet/) and this file. A Leaflet map of
 * the same places and view is laid over the SVG, hidden until the first tiles have loaded;
 * when none load (the tile server cannot be reached, or answers with errors), it is taken
 * away and the SVG stays. Every point is a keyboard-reachable marker that leads where the
 * SVG's point leads: to the place in the list beside the map, to a group's entry, or (on the
 * national map, /karta/) to the place on its country's page. A point that stands for several
 * places (`count` above 1) shows their number.
 */
(function () {
  "use strict";

  var GIVE_UP_AFTER_MS = 10000;

  // 12345 as "12 345", with a no-break space, as portal.formatting.group_thousands writes it.
  function groupThousands(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }

  function icon(count) {
    if (count > 1) {
      var label = document.createElement("span");
      label.setAttribute("aria-hidden", "true");
      label.textContent = groupThousands(count);
      return window.L.divIcon({
        className: "map-marker map-marker-group",
        iconSize: [22, 22],
        html: label,
      });
    }
    return window.L.divIcon({ className: "map-marker", iconSize: [16, 16] });
  }

  function enhance(frame) {
    var source = document.getElementById(frame.getAttribute("data-map-data"));
    if (!source || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var holder = document.createElement("div");
    holder.className = "map-tiles";
    frame.appendChild(holder);

    var map = window.L.map(holder, { scrollWheelZoom: false });
    map.fitBounds(data.bounds, { padding: [16, 16] });
    var tiles = window.L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 18 });
    var loaded = 0;
    var settled = false;

    function settle() {
      if (settled) {
        return;
      }
      settled = true;
      window.clearTimeout(timer);
      if (loaded > 0) {
        frame.classList.add("has-tiles");
      } else {
        map.remove();
        holder.parentNode.removeChild(holder);
      }
    }

    tiles.on("tileload", function () {
      loaded += 1;
    });
    // Leaflet fires "load" when every tile in view has loaded or failed.
    tiles.on("load", settle);
    var timer = window.setTimeout(settle, GIVE_UP_AFTER_MS);
    tiles.addTo(map);

    data.places.forEach(function (place) {
      // A divIcon is a <div>, so Leaflet's `alt` (for image icons) does not reach it: the
      // marker is named by `title` and, for screen readers, aria-label. With `keyboard`
      // Leaflet makes it a focusable role="button"; Enter or Space leads, like a click and
      // like the SVG's points, to the place in the list.
      var marker = window.L.marker([place.lat, place.lon], {
        icon: icon(place.count || 1),
        title: place.name,
        keyboard: true,
      });
      function follow() {
        if (place.href.charAt(0) === "#") {
          window.location.hash = place.href;
        } else {
          window.location.assign(place.href);
        }
      }
      marker.on("click", follow);
      marker.on("keydown", function (event) {
        var key = event.originalEvent.key;
        if (key === "Enter" || key === " ") {
          event.originalEvent.preventDefault();
          follow();
        }
      });
      marker.addTo(map);
      marker.getElement().setAttribute("aria-label", place.name);
    });
  }

  document.querySelectorAll(".map-frame[data-map-data]").forEach(enhance);
})();

/*
 * map.js: turns every <div data-map> into a Leaflet map, configured only by data attributes.
 * No inline script is needed, so it runs under the CSP script-src 'self'; it never creates
 * <style> elements, never sets style attributes from strings and never evaluates strings.
 * Load it after leaflet.js (both with defer).
 *
 *   data-layers="URL URL …"   GeoJSON FeatureCollections; each feature's properties.layer
 *                             picks its style (see the style table below)
 *   data-center="lat,lon"     initial view instead of fitting the layers
 *   data-zoom="15"            zoom used with data-center (default 15)
 *   data-basemap="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
 *                             tile layer; without it there are no tiles, a plain background
 *   data-basemap-attribution="地理院タイル"   the tiles' attribution, as text
 *   data-pick="latInputId lonInputId"        a click (or Enter) sets the home point
 *   data-route="inputId"      route editor; the input holds a GeoJSON LineString
 *
 * On pick and route maps the data layers are not interactive, so every click reaches the map.
 * For tests: window.sasaeaiMap.maps[i] = { element, map, ready, counts, errors, skipped }.
 */
(function () {
  'use strict';

  // ------------------------------------------------------------------ style table

  // Flood depth ranks, shallow to deep, in the MLIT/GSI colour scale.
  const FLOOD = {
    1: { words: '0.5m未満', color: '#F7F5A9' },
    2: { words: '0.5〜3.0m', color: '#FFD8C0' },
    3: { words: '3.0〜5.0m', color: '#FFB7B7' },
    4: { words: '5.0〜10.0m', color: '#FF9191' },
    5: { words: '10.0〜20.0m', color: '#F285C9' },
    6: { words: '20.0m以上', color: '#DC7ADC' },
  };
  // Landslide classes, told apart by the outline too: thin dashed (1) or heavy solid (2).
  const LANDSLIDE = {
    1: { words: '土砂災害警戒区域', style: { color: '#927200', weight: 2, dashArray: '6 5', fillColor: '#FFEB3B', fillOpacity: 0.45 } },
    2: { words: '土砂災害特別警戒区域', style: { color: '#850000', weight: 4, fillColor: '#E53935', fillOpacity: 0.6 } },
  };
  // Shelter kinds: one character in a shape (the shape comes from the CSS class mk-KIND).
  const SHELTER = {
    emergency_site: { char: '緊', words: '指定緊急避難場所' },
    designated_shelter: { char: '避', words: '指定避難所' },
    welfare_shelter: { char: '福', words: '福祉避難所' },
    shelter_other: { char: '避', words: '避難所' },   // any other or missing kind
  };
  const WORDS = { district: '地区の境界', registrant: '要支援者', supporter: '支援者', home: '自宅', route: '避難経路' };
  const DISTRICT_STYLE = { color: '#333333', weight: 2, opacity: 1, fill: false };
  const REGISTRANT_STYLE = { radius: 7, color: '#000000', weight: 2, fillColor: '#E25100', fillOpacity: 1 };
  const ROUTE_STYLE = { color: '#0017C1', weight: 5, dashArray: '10 8', lineCap: 'butt' };
  const ROUTE_CASING = { color: '#FFFFFF', weight: 9, opacity: 0.9, interactive: false };
  const VERTEX_STYLE = { color: '#0017C1', weight: 3, fillColor: '#FFFFFF', fillOpacity: 1, interactive: false };

  // Panes fix the drawing order whatever order the layers arrive in: flood ranks shallow to
  // deep (deeper on top), landslide over flood, then districts, routes and point markers.
  const PANES = [
    ['flood1', 401], ['flood2', 402], ['flood3', 403], ['flood4', 404], ['flood5', 405], ['flood6', 406],
    ['landslide1', 411], ['landslide2', 412], ['district', 420], ['route', 430], ['points', 440],
  ];
  const EARTH_RADIUS_M = 6371008.8;   // the mean radius the Rust side uses
  const JAPAN = { center: [36.2, 138.25], zoom: 5 };
  const KEYBOARD_HINT = '（キーボードでは矢印キーで地図を動かし、Enter キーで中心の位置を選びます）';

  // ------------------------------------------------------------------ helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Ranks and classes are clamped into range, as the Rust side does.
  function floodRank(props) {
    const n = parseInt(props.rank, 10);
    return Number.isFinite(n) ? Math.min(6, Math.max(1, n)) : 1;
  }
  const landslideClass = (props) => (parseInt(props.class, 10) === 2 ? 2 : 1);
  const shelterKind = (props) => (Object.prototype.hasOwnProperty.call(SHELTER, props.kind) ? props.kind : 'shelter_other');

  const validLatLon = (lat, lon) => Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  function parseLatLon(text) {
    const parts = String(text || '').split(',').map(parseFloat);
    return parts.length === 2 && validLatLon(parts[0], parts[1]) ? parts : null;
  }

  function haversine(a, b) {   // a, b: [lon, lat] in degrees; metres
    const rad = Math.PI / 180;
    const h = Math.sin((b[1] - a[1]) * rad / 2) ** 2
      + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin((b[0] - a[0]) * rad / 2) ** 2;
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // Tell other scripts (htmx, form checks) that a value was set.
  function fire(input) {
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // Links from the data are kept only if they are http(s) (relative links are).
  function safeHref(href) {
    try {
      const url = new URL(String(href), window.location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Popup content as DOM nodes, never HTML strings: labels come from the data.
  function content(props, lines) {
    const box = el('div', 'map-popup');
    if (props.label) box.appendChild(el('p', 'map-popup-title', props.label));
    lines.filter(Boolean).forEach((line) => box.appendChild(el('p', null, line)));
    const href = props.href ? safeHref(props.href) : null;
    if (href) {
      const a = box.appendChild(el('p')).appendChild(el('a', null, '詳細を開く'));
      a.href = href;
    }
    return box;
  }

  // A divIcon drawn by sasaeai.css (classes "mk EXTRA mk-KIND"): the character is hidden
  // from screen readers, which read the name instead.
  function icon(kind, extraClass, char, size, name) {
    const inner = el('span');
    if (char) inner.appendChild(el('b', null, char)).setAttribute('aria-hidden', 'true');
    if (name) inner.appendChild(el('span', 'visually-hidden', name));
    return L.divIcon({
      className: 'mk ' + extraClass + ' mk-' + kind,
      html: inner,
      iconSize: size,
      iconAnchor: [size[0] / 2, size[1] / 2],
      popupAnchor: [0, -size[1] / 2],
      tooltipAnchor: [size[0] / 2, 0],
    });
  }
  const homeIcon = (name) => icon('home', 'mk-home', '家', [40, 40], name || WORDS.home);

  // ------------------------------------------------------------------ features

  // The Leaflet layer of one feature, or null when its layer name is unknown.
  function drawFeature(feature, state) {
    const props = feature.properties || {};
    const name = props.layer;
    const interactive = !state.editing;
    const withPane = (pane, style) => ({ pane: pane, style: () => Object.assign({ interactive: interactive }, style) });
    let layer;
    if (name === 'district') {
      layer = L.geoJSON(feature, withPane('district', DISTRICT_STYLE));
      if (props.label) layer.bindTooltip(content(props, []), { sticky: true });
    } else if (name === 'flood') {
      const rank = floodRank(props);
      const c = FLOOD[rank].color;
      layer = L.geoJSON(feature, withPane('flood' + rank, { color: c, weight: 1, opacity: 0.9, fillColor: c, fillOpacity: 0.6 }));
      layer.bindPopup(content(props, ['浸水想定 ' + FLOOD[rank].words]));
    } else if (name === 'landslide') {
      const cls = landslideClass(props);
      layer = L.geoJSON(feature, withPane('landslide' + cls, LANDSLIDE[cls].style));
      layer.bindPopup(content(props, [LANDSLIDE[cls].words]));
    } else if (name === 'route') {
      layer = L.geoJSON(feature, withPane('route', ROUTE_STYLE));
      L.geoJSON(feature, { pane: 'route', style: () => ROUTE_CASING }).addTo(state.map).bringToBack();
      layer.bindPopup(content(props, [WORDS.route]));
    } else if (name === 'shelter' || name === 'registrant' || name === 'supporter' || name === 'home') {
      if (name === 'home' && state.pick) return null;   // on a pick map the inputs own the home
      layer = L.geoJSON(feature, { pointToLayer: (f, latlng) => pointMarker(name, props, latlng, state) });
      if (name === 'shelter') state.present['shelter:' + shelterKind(props)] = true;
    } else {
      return null;
    }
    state.present[name] = true;
    return layer;
  }

  function pointMarker(name, props, latlng, state) {
    let marker;
    let lines;
    if (name === 'registrant') {
      marker = L.circleMarker(latlng, Object.assign({ pane: 'points', interactive: !state.editing }, REGISTRANT_STYLE));
      lines = [WORDS.registrant, props.status ? '状況: ' + props.status : null];
    } else {
      // Markers are focusable buttons (Leaflet's keyboard option) named by hidden text.
      const s = name === 'shelter' ? SHELTER[shelterKind(props)] : { words: WORDS[name] };
      const title = s.words + ' ' + (props.label || '');
      const opts = { interactive: !state.editing, keyboard: !state.editing };
      if (name === 'shelter') opts.icon = icon(shelterKind(props), 'mk-shelter', s.char, [32, 32], title);
      else if (name === 'supporter') opts.icon = icon('supporter', '', null, [22, 20], title);
      else opts.icon = homeIcon(title);
      marker = L.marker(latlng, opts);
      lines = [s.words];
    }
    if (props.label) marker.bindTooltip(String(props.label));
    marker.bindPopup(content(props, lines));
    return marker;
  }

  // District outlines can be reached with Tab; Leaflet 1.9 opens a bound tooltip on focus.
  function makeFocusable(layer, label) {
    layer.eachLayer((l) => {
      const node = l.getElement && l.getElement();
      if (node) {
        node.setAttribute('tabindex', '0');
        // A name needs a role: a bare SVG path may not carry aria-label (axe: aria-prohibited-attr).
        node.setAttribute('role', 'img');
        node.setAttribute('aria-label', label);
      }
    });
  }

  // ------------------------------------------------------------------ legend

  function legendItem(list, swatch, words) {
    const li = list.appendChild(el('li'));
    li.appendChild(swatch).setAttribute('aria-hidden', 'true');
    li.appendChild(el('span', null, words));
  }

  function markerSwatch(kind, extraClass, char) {
    const sw = el('span', 'legend-swatch sw-marker');
    const inner = sw.appendChild(el('span', 'mk ' + extraClass + ' mk-' + kind)).appendChild(el('span'));
    if (char) inner.appendChild(el('b', null, char));
    return sw;
  }

  // Every flood rank and both landslide classes whenever such a layer is present, then the
  // marker and line kinds that are present. Returns whether anything was listed.
  function fillLegend(body, present) {
    body.textContent = '';
    const group = (title, className) => {
      body.appendChild(el('h3', null, title));
      return body.appendChild(el('ul', className));
    };
    if (present.flood) {
      const ul = group('浸水想定（浸水の深さ）', 'legend-flood');
      Object.keys(FLOOD).forEach((rank) => {
        const sw = el('span', 'legend-swatch sw-flood');
        sw.style.backgroundColor = FLOOD[rank].color;   // CSSOM: allowed by style-src 'self'
        legendItem(ul, sw, FLOOD[rank].words);
      });
    }
    if (present.landslide) {
      const ul = group('土砂災害');
      [1, 2].forEach((cls) => legendItem(ul, el('span', 'legend-swatch sw-landslide-' + cls), LANDSLIDE[cls].words));
    }
    const kinds = Object.keys(SHELTER).filter((k) => present['shelter:' + k]);
    const others = ['registrant', 'supporter', 'home', 'route', 'district'].filter((k) => present[k]);
    if (kinds.length || others.length) {
      const ul = group('記号');
      kinds.forEach((k) => legendItem(ul, markerSwatch(k, 'mk-shelter', SHELTER[k].char), SHELTER[k].words));
      others.forEach((k) => {
        const sw = k === 'supporter' ? markerSwatch('supporter', '', null)
          : k === 'home' ? markerSwatch('home', 'mk-home', '家')
            : el('span', 'legend-swatch sw-' + k);
        legendItem(ul, sw, WORDS[k]);
      });
    }
    return body.childNodes.length > 0;
  }

  function addLegend(state) {
    const control = L.control({ position: 'bottomright' });
    control.onAdd = () => {
      const box = el('details', 'map-legend');
      box.appendChild(el('summary', null, '凡例'));
      state.legendBody = box.appendChild(el('div'));
      box.open = state.element.clientWidth >= 720;   // folded on phones and at high zoom
      box.hidden = true;                              // until something is drawn
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    state.legend = control.addTo(state.map);
  }

  // ------------------------------------------------------------------ pick (home point)

  function addHint(state, text) {
    const hint = el('p', 'map-hint', text + KEYBOARD_HINT);
    hint.id = (state.element.id || 'map-' + state.index) + '-hint';
    state.element.parentNode.insertBefore(hint, state.element);
    state.element.setAttribute('aria-describedby', hint.id);
  }

  function setupPick(state, ids) {
    const lat = document.getElementById(ids[0]);
    const lon = document.getElementById(ids[1]);
    if (!lat || !lon) return console.warn('sasaeai map: data-pick inputs not found:', ids.join(' '));
    let marker = null;
    const write = (latlng) => {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      fire(lat);
      fire(lon);
    };
    const place = (latlng, pan) => {
      if (marker) marker.setLatLng(latlng);
      else {
        marker = L.marker(latlng, { icon: homeIcon('自宅の位置'), keyboard: true, draggable: true }).addTo(state.map);
        marker.on('dragend', () => write(marker.getLatLng()));
      }
      if (pan && !state.map.getBounds().contains(latlng)) state.map.panTo(latlng);
    };
    const fromInputs = (pan) => {
      const a = parseFloat(lat.value);
      const b = parseFloat(lon.value);
      if (validLatLon(a, b)) place(L.latLng(a, b), pan);
      else if (marker && !lat.value.trim() && !lon.value.trim()) {   // both cleared: no home
        marker.remove();
        marker = null;
      }
    };
    lat.addEventListener('input', () => fromInputs(true));
    lon.addEventListener('input', () => fromInputs(true));
    fromInputs(false);
    state.onPoint = (latlng) => { place(latlng, false); write(latlng); };
    state.extraBounds = () => (marker ? [marker.getLatLng()] : []);
    state.present.home = true;
    addHint(state, '地図をクリックすると自宅の位置が入ります');
  }

  // ------------------------------------------------------------------ route editor

  function readRoute(input) {
    try {
      const g = JSON.parse(input.value || 'null');
      if (g && g.type === 'LineString' && Array.isArray(g.coordinates)) {
        return g.coordinates.filter((c) => Array.isArray(c) && validLatLon(c[1], c[0])).map((c) => [c[0], c[1]]);
      }
    } catch (e) {
      console.warn('sasaeai map: the route input is not GeoJSON', e);
    }
    return [];
  }

  function setupRoute(state, inputId) {
    const input = document.getElementById(inputId);
    if (!input) return console.warn('sasaeai map: data-route input not found:', inputId);
    const lengthEl = document.getElementById(inputId + '-length');
    if (lengthEl && !lengthEl.hasAttribute('aria-live')) lengthEl.setAttribute('aria-live', 'polite');
    let coords = readRoute(input);   // [lon, lat] pairs
    const latlngs = () => coords.map((c) => [c[1], c[0]]);
    const casing = L.polyline([], Object.assign({ pane: 'route' }, ROUTE_CASING)).addTo(state.map);
    const line = L.polyline([], Object.assign({ pane: 'route', interactive: false }, ROUTE_STYLE)).addTo(state.map);
    const vertices = L.layerGroup().addTo(state.map);

    const tools = el('div', 'map-tools');
    const undo = tools.appendChild(el('button', 'button button-secondary', '最後の点を消す'));
    const clear = tools.appendChild(el('button', 'button button-secondary', '経路を消す'));
    undo.type = 'button';
    clear.type = 'button';
    state.element.parentNode.insertBefore(tools, state.element.nextSibling);

    function redraw(write) {
      line.setLatLngs(latlngs());
      casing.setLatLngs(latlngs());
      vertices.clearLayers();
      latlngs().forEach((ll, i) => L.circleMarker(ll, Object.assign({ pane: 'points', radius: i ? 5 : 7 }, VERTEX_STYLE)).addTo(vertices));
      undo.disabled = clear.disabled = coords.length === 0;
      if (lengthEl) {
        let m = 0;
        for (let i = 1; i < coords.length; i++) m += haversine(coords[i - 1], coords[i]);
        lengthEl.textContent = coords.length < 2
          ? '経路の長さ: 0 m（地図で2点以上を選んでください）'
          : '経路の長さ: 約 ' + (Math.round(m / 10) * 10).toLocaleString('ja-JP') + ' m';
      }
      if (write) {
        input.value = coords.length ? JSON.stringify({ type: 'LineString', coordinates: coords }) : '';
        fire(input);
      }
    }
    undo.addEventListener('click', () => { coords.pop(); redraw(true); });
    clear.addEventListener('click', () => { coords = []; redraw(true); });
    state.onPoint = (ll) => { coords.push([Number(ll.lng.toFixed(6)), Number(ll.lat.toFixed(6))]); redraw(true); };
    state.extraBounds = latlngs;
    state.present.route = true;
    redraw(false);
    addHint(state, '地図をクリックすると経路に点が加わります');
  }

  // ------------------------------------------------------------------ one map

  function showError(element, text) {
    if (element.querySelector('.map-error')) return;
    element.appendChild(el('p', 'map-error', text)).setAttribute('role', 'alert');
  }

  function loadLayer(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/geo+json, application/json' } })
      .then((r) => {
        if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
        return r.json();
      })
      .then((fc) => {
        if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(url + ': not a FeatureCollection');
        return fc.features;
      });
  }

  function fitView(state, ds, drawn) {
    const center = parseLatLon(ds.center);
    if (center) {
      const zoom = parseInt(ds.zoom, 10);
      state.map.setView(center, Number.isFinite(zoom) ? zoom : 15);
      return;
    }
    const bounds = drawn.getBounds();
    state.extraBounds().forEach((ll) => bounds.extend(ll));
    if (!bounds.isValid()) return;
    const box = state.legend.getContainer();   // keep the features clear of an open legend
    const right = box.open && !box.hidden ? box.offsetWidth + 24 : 24;
    state.map.fitBounds(bounds, { paddingTopLeft: [60, 24], paddingBottomRight: [right, 24], maxZoom: 17 });
  }

  function setup(element, index) {
    const ds = element.dataset;
    const entry = { element: element, map: null, ready: null, counts: {}, errors: 0, skipped: 0 };
    entry.ready = Promise.resolve(entry);
    window.sasaeaiMap.maps.push(entry);
    if (!window.L) return showError(element, '地図を表示できませんでした');

    const routeId = (ds.route || '').trim();
    const pickIds = routeId ? [] : (ds.pick || '').trim().split(/\s+/).filter(Boolean);
    if (routeId && ds.pick) console.warn('sasaeai map: data-route and data-pick on one map; data-pick is ignored');
    const map = L.map(element, { keyboard: true, zoomSnap: 0.5, zoomControl: false, attributionControl: !!ds.basemap });
    entry.map = map;
    L.control.zoom({ zoomInTitle: '拡大', zoomOutTitle: '縮小' }).addTo(map);
    PANES.forEach((p) => { map.createPane(p[0]).style.zIndex = String(p[1]); });
    map.setView(JAPAN.center, JAPAN.zoom);   // until the layers are in
    map.on('popupopen', (e) => {             // Leaflet labels its close button in English
      const close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
      if (close) close.setAttribute('aria-label', '閉じる');
    });
    if (!element.hasAttribute('aria-label') && !element.hasAttribute('aria-labelledby')) {
      element.setAttribute('role', 'region');
      element.setAttribute('aria-label', '地図');
    }
    if (ds.basemap) {
      const text = ds.basemapAttribution ? el('span', null, ds.basemapAttribution).innerHTML : '';   // escaped
      L.tileLayer(ds.basemap, { maxZoom: 18, attribution: text }).addTo(map);
    }

    const state = {
      element: element, index: index, map: map, present: {}, legend: null, legendBody: null,
      editing: pickIds.length === 2 || !!routeId, pick: pickIds.length === 2, onPoint: null, extraBounds: () => [],
    };
    addLegend(state);
    if (routeId) setupRoute(state, routeId);
    else if (pickIds.length === 2) setupPick(state, pickIds);
    else if (ds.pick) console.warn('sasaeai map: data-pick needs two input ids');
    if (state.onPoint) {
      element.classList.add('map-clickable');
      map.on('click', (e) => state.onPoint(e.latlng));
      element.addEventListener('keydown', (e) => {   // Enter on the map itself picks the centre
        if (e.key === 'Enter' && e.target === element) {
          e.preventDefault();
          state.onPoint(map.getCenter());
        }
      });
    }

    const drawn = L.featureGroup().addTo(map);
    const draw = (features) => {
      // Floods shallow to deep within a collection as well (the panes order them anyway).
      const order = (f) => (f && f.properties && f.properties.layer === 'flood' ? floodRank(f.properties) : 0);
      features.slice().sort((a, b) => order(a) - order(b)).forEach((f) => {
        let layer = null;
        try {
          layer = f && f.type === 'Feature' && f.geometry ? drawFeature(f, state) : null;
        } catch (err) {
          console.warn('sasaeai map: feature skipped', err, f);   // e.g. broken coordinates
        }
        if (!layer) {
          entry.skipped += 1;
          return;
        }
        layer.addTo(drawn);
        const name = f.properties.layer;
        entry.counts[name] = (entry.counts[name] || 0) + 1;
        if (name === 'district' && f.properties.label) makeFocusable(layer, String(f.properties.label));
      });
    };
    const urls = (ds.layers || '').trim().split(/\s+/).filter(Boolean);
    entry.ready = Promise.all(urls.map((url) => loadLayer(url).then(draw).catch((err) => {
      entry.errors += 1;
      console.error('sasaeai map:', err);
      showError(element, '地図のデータを読み込めませんでした');
    }))).then(() => {
      state.legend.getContainer().hidden = !fillLegend(state.legendBody, state.present);
      fitView(state, ds, drawn);
      return entry;
    });
  }

  function init() {
    window.sasaeaiMap = { maps: [] };
    document.querySelectorAll('div[data-map]').forEach(setup);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

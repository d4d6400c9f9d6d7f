/* nnbook's model web in the reader's browser (no server): TensorFlow.js runs the models the chapters saved.
 *
 * window.nnbookWeb.models()            -> Promise<[{name, size, channels, classes}]>
 * window.nnbookWeb.classify(name, blob) -> Promise<[{label, probability}, ...]>  (most probable first, all classes)
 *
 * The photo is prepared exactly as nnbook.images.to_model_input prepares it in Python: EXIF orientation,
 * transparent pixels onto white, Pillow's grayscale (L = (19595 R + 38470 G + 7471 B + 2^15) >> 16),
 * Pillow's bilinear resize (its convolution with support scaled by the shrink factor and 22-bit fixed-point
 * coefficients, horizontal pass then vertical, each rounded to 8 bits) and / 255. Up to 2,048 px (every
 * photo the chapters train on) the input is Pillow's to the byte: Chromium's JPEG decoder and Pillow's give
 * the same pixels. Larger photos are first shrunk as nnbook.images does (JPEG "draft" decoding, then a whole
 * factor's box filter); libjpeg's reduced-scale decoding is approximated there by averaging blocks.
 * The runtime (tf.min.js) and a model load only when first needed; nothing is sent to any host.
 */
(function () {
  "use strict";
  if (window.nnbookWeb) return;
  const MAX_BYTES = 20 * 1024 * 1024;     // nnbook.upload.MAX_UPLOAD_BYTES
  const MAX_PIXELS = 64000000;            // nnbook.images.MAX_PIXELS
  const DECODE_PIXELS = 16000000;         // above this, the browser shrinks the photo while decoding it
  const WEBCAM_MS = 150;                  // the paper's web classified a webcam frame every 150 ms
  const script = document.currentScript;
  const BASE = script ? script.src.replace(/[^/]*$/, "") : "_static/nnbook-web/";
  const FILE = location.protocol === "file:";
  const SITE = BASE + "../../";           // the book's root: links in the models' index are relative to it

  // ---------------------------------------------------------------- loading (lazy, no host but this one)
  const loaded = {};
  function loadScript(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        const s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(s);
      });
    }
    return loaded[src];
  }
  let runtime = null;
  function loadRuntime() {
    if (!runtime) {
      runtime = loadScript(BASE + "vendor/tfjs/tf.min.js").then(async function () {
        const wanted = new URLSearchParams(location.search).get("backend");
        for (const name of wanted ? [wanted] : ["webgl", "cpu"]) {
          try {
            if (await window.tf.setBackend(name)) break;
          } catch (err) { /* try the next backend */ }
        }
        await window.tf.ready();
        return window.tf;
      });
      runtime.catch(function () { runtime = null; });
    }
    return runtime;
  }
  let index = null;
  function models() {
    if (!index) {
      index = loadScript(BASE + "models/index.js").then(function () {
        return (window.nnbookWebIndex || []).slice();
      });
      index.catch(function () { index = null; });
    }
    return index.then(function (list) {
      return list.map(function (m) {
        return {name: m.name, size: m.size, channels: m.channels, classes: m.classes.slice()};
      });
    });
  }
  async function info(name) {
    await models();
    const found = window.nnbookWebIndex.find(function (m) { return m.name === name; });
    if (!found) throw new Error("no model named '" + name + "' in this build");
    return found;
  }
  const nets = {};
  function base64ToBuffer(text) {
    const raw = atob(text), bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function loadNet(name) {
    if (!nets[name]) {
      nets[name] = (async function () {
        const m = await info(name);
        const tf = await loadRuntime();
        const folder = BASE + "models/" + name + "/";
        let net;
        if (FILE) {  // fetch() is refused on file://; the model's script carries its weights in base64
          await loadScript(folder + "model.js");
          const art = window.nnbookWebModels[name];
          net = await tf.loadLayersModel(tf.io.fromMemory({
            modelTopology: art.model.modelTopology, weightSpecs: art.model.weightsManifest[0].weights,
            weightData: base64ToBuffer(art.weights)}));
        } else {
          net = await tf.loadLayersModel(folder + "model.json");
        }
        tf.tidy(function () { net.predict(tf.zeros([1, m.size, m.size, m.channels])); });  // warm-up
        return net;
      })();
      nets[name].catch(function () { delete nets[name]; });
    }
    return nets[name];
  }

  // ---------------------------------------------------------------- decoding
  class PhotoError extends Error {}

  function header(bytes) {  // {type, width, height} from the file's first bytes, without decoding pixels
    const b = bytes, n = b.length;
    const u16 = function (i, le) { return le ? b[i] | b[i + 1] << 8 : b[i] << 8 | b[i + 1]; };
    const u32 = function (i, le) {
      return le ? (b[i] | b[i + 1] << 8 | b[i + 2] << 16) + b[i + 3] * 16777216
                : b[i] * 16777216 + (b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);
    };
    if (n > 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
      return {type: "png", width: u32(16), height: u32(20)};
    }
    if (n > 4 && b[0] === 0xff && b[1] === 0xd8) {
      let i = 2;
      while (i + 9 < n) {
        if (b[i] !== 0xff) { i++; continue; }
        const marker = b[i + 1];
        if (marker === 0xff) { i++; continue; }
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return {type: "jpeg", width: u16(i + 7), height: u16(i + 5)};
        }
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
        i += 2 + u16(i + 2);
      }
      return {type: "jpeg", width: 0, height: 0};
    }
    if (n > 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
      return {type: "gif", width: u16(6, true), height: u16(8, true)};
    }
    if (n > 26 && b[0] === 0x42 && b[1] === 0x4d) {
      return {type: "bmp", width: Math.abs(u32(18, true) | 0), height: Math.abs(u32(22, true) | 0)};
    }
    if (n > 30 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42) {
      const kind = String.fromCharCode(b[12], b[13], b[14], b[15]);
      if (kind === "VP8X") return {type: "webp", width: 1 + (b[24] | b[25] << 8 | b[26] << 16),
                                   height: 1 + (b[27] | b[28] << 8 | b[29] << 16)};
      if (kind === "VP8L") return {type: "webp", width: 1 + ((b[21] | b[22] << 8) & 0x3fff),
                                   height: 1 + ((b[22] >> 6 | b[23] << 2 | b[24] << 10) & 0x3fff)};
      return {type: "webp", width: u16(26, true) & 0x3fff, height: u16(28, true) & 0x3fff};
    }
    return {type: null, width: 0, height: 0};
  }

  function quoted(name) { return "'" + String(name).replace(/'/g, "\\'") + "'"; }

  // Decode a file into RGBA pixels (EXIF orientation applied, no colour management), or throw a PhotoError.
  async function decode(blob, name) {
    if (!(blob instanceof Blob)) throw new PhotoError("not a file: give a photo (a Blob or File)");
    if (blob.size === 0) throw new PhotoError(quoted(name) + " is empty (0 bytes): choose a photo file.");
    if (blob.size > MAX_BYTES) {
      throw new PhotoError(quoted(name) + " is " + (blob.size / 1e6).toFixed(1) + " MB, over the " +
                           MAX_BYTES / 1048576 + " MB limit: choose a smaller photo.");
    }
    const head = header(new Uint8Array(await blob.slice(0, 65536).arrayBuffer()));
    if (!head.type) {
      throw new PhotoError("Could not use " + quoted(name) +
                           ": it is not an image file (PNG, JPEG, GIF, BMP, WebP, ...)");
    }
    if (head.width * head.height > MAX_PIXELS) {
      throw new PhotoError("Could not use " + quoted(name) + ": it is " + head.width + " x " + head.height +
                           " pixels, over the " + MAX_PIXELS / 1e6 + " megapixel limit; use a smaller photo.");
    }
    const options = {imageOrientation: "from-image", colorSpaceConversion: "none", premultiplyAlpha: "none"};
    let shrink = 1;
    if (head.width * head.height > DECODE_PIXELS) {  // a huge photo: let the decoder shrink it (memory)
      shrink = Math.ceil(Math.sqrt(head.width * head.height / DECODE_PIXELS * 4));
      options.resizeWidth = Math.max(1, Math.round(head.width / shrink));
      options.resizeHeight = Math.max(1, Math.round(head.height / shrink));
      options.resizeQuality = "medium";
    }
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob, options);
    } catch (err) {
      throw new PhotoError("Could not use " + quoted(name) + ": cannot decode it, the image is truncated or " +
                           "corrupt");
    }
    const pixels = bitmapPixels(bitmap);
    bitmap.close();
    return {rgba: pixels.data, width: pixels.width, height: pixels.height, type: head.type,
            fileWidth: head.width, fileHeight: head.height, shrunk: shrink > 1};
  }

  function bitmapPixels(source) {
    const w = source.width || source.videoWidth, h = source.height || source.videoHeight;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(source, 0, 0, w, h);
    return ctx.getImageData(0, 0, w, h);
  }

  // ---------------------------------------------------------------- Pillow's pipeline, step by step
  // Transparent pixels onto white (Pillow's Image.alpha_composite on an opaque white image).
  function onWhite(rgba) {
    for (let i = 0; i < rgba.length; i += 4) {
      const a = rgba[i + 3];
      if (a === 255) continue;
      if (a === 0) {
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 255;
      } else {
        const outa255 = a * 255 + 255 * (255 - a);
        const coef1 = Math.floor(a * 255 * 255 * 128 / outa255), coef2 = 255 * 128 - coef1;
        for (let c = 0; c < 3; c++) {
          const t = rgba[i + c] * coef1 + 255 * coef2 + (0x80 << 7);
          rgba[i + c] = (((t >> 8) + t) >> 8) >> 7;
        }
      }
      rgba[i + 3] = 255;
    }
  }

  // One plane per channel: RGB (3) or Pillow's L (1).
  function planes(rgba, w, h, channels) {
    const n = w * h, out = [];
    if (channels === 1) {
      const l = new Uint8Array(n);
      for (let p = 0, i = 0; p < n; p++, i += 4) {
        l[p] = (rgba[i] * 19595 + rgba[i + 1] * 38470 + rgba[i + 2] * 7471 + 0x8000) >> 16;
      }
      out.push(l);
    } else {
      for (let c = 0; c < 3; c++) {
        const plane = new Uint8Array(n);
        for (let p = 0, i = c; p < n; p++, i += 4) plane[p] = rgba[i];
        out.push(plane);
      }
    }
    return out;
  }

  // nnbook.images.REDUCE_ABOVE and REDUCE_TO: a photo whose longer side is over 2,048 px is shrunk first.
  const REDUCE_ABOVE = 2048, REDUCE_TO = 1024;
  // Pillow's JPEG draft (only over REDUCE_ABOVE): libjpeg decodes at 1/a scale, a = 8, 4, 2 or 1 the largest
  // with the photo still at least `size` pixels; approximated here by averaging a x a blocks of the full decode.
  function draftFactor(w, h, size) {
    const scale = Math.min(Math.floor(w / size), Math.floor(h / size));
    for (const a of [8, 4, 2]) if (scale >= a) return a;
    return 1;
  }
  function reduce(plane, w, h, a) {
    const ow = Math.ceil(w / a), oh = Math.ceil(h / a), out = new Uint8Array(ow * oh);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = 0, count = 0;
        for (let y = oy * a; y < Math.min(h, oy * a + a); y++) {
          for (let x = ox * a; x < Math.min(w, ox * a + a); x++) { sum += plane[y * w + x]; count++; }
        }
        out[oy * ow + ox] = Math.floor(sum / count + 0.5);
      }
    }
    return {plane: out, width: ow, height: oh};
  }

  const PRECISION = 22, ONE = 1 << PRECISION;  // Pillow's PRECISION_BITS = 32 - 8 - 2
  function coefficients(inSize, outSize) {     // Pillow's precompute_coeffs + normalize_coeffs_8bpc, bilinear
    const scale = inSize / outSize, filterscale = Math.max(scale, 1.0), support = 1.0 * filterscale;
    const ksize = Math.ceil(support) * 2 + 1, bounds = new Int32Array(outSize * 2);
    const kk = new Float64Array(outSize * ksize);
    for (let xx = 0; xx < outSize; xx++) {
      const center = (xx + 0.5) * scale, ss = 1.0 / filterscale;
      let xmin = Math.trunc(center - support + 0.5);
      if (xmin < 0) xmin = 0;
      let xmax = Math.trunc(center + support + 0.5);
      if (xmax > inSize) xmax = inSize;
      xmax -= xmin;
      let ww = 0.0;
      for (let x = 0; x < xmax; x++) {
        const t = Math.abs((x + xmin - center + 0.5) * ss), w = t < 1.0 ? 1.0 - t : 0.0;
        kk[xx * ksize + x] = w;
        ww += w;
      }
      for (let x = 0; x < xmax; x++) if (ww !== 0.0) kk[xx * ksize + x] /= ww;
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    const k = new Int32Array(outSize * ksize);
    for (let i = 0; i < k.length; i++) {
      k[i] = kk[i] < 0 ? Math.trunc(-0.5 + kk[i] * ONE) : Math.trunc(0.5 + kk[i] * ONE);
    }
    return {k: k, bounds: bounds, ksize: ksize};
  }
  function clip8(v) { return v >= ONE * 256 ? 255 : v <= 0 ? 0 : Math.floor(v / ONE); }

  function resize(plane, w, h, size) {         // Pillow's Image.resize((size, size), BILINEAR) of one band
    if (w === size && h === size) return plane;
    const H = coefficients(w, size), V = coefficients(h, size);
    const needH = w !== size, needV = h !== size;
    let src = plane, srcW = w, rows = h, first = 0;
    if (needH) {
      first = V.bounds[0];
      const last = V.bounds[size * 2 - 2] + V.bounds[size * 2 - 1];
      rows = needV ? last - first : h;
      if (!needV) first = 0;
      const tmp = new Uint8Array(size * rows);
      for (let y = 0; y < rows; y++) {
        const row = (y + first) * w;
        for (let xx = 0; xx < size; xx++) {
          const xmin = H.bounds[xx * 2], xmax = H.bounds[xx * 2 + 1], off = xx * H.ksize;
          let s = 1 << (PRECISION - 1);
          for (let x = 0; x < xmax; x++) s += plane[row + x + xmin] * H.k[off + x];
          tmp[y * size + xx] = clip8(s);
        }
      }
      src = tmp;
      srcW = size;
    }
    if (!needV) return src;
    const out = new Uint8Array(size * size);
    for (let yy = 0; yy < size; yy++) {
      const ymin = V.bounds[yy * 2] - first, ymax = V.bounds[yy * 2 + 1], off = yy * V.ksize;
      for (let xx = 0; xx < srcW; xx++) {
        let s = 1 << (PRECISION - 1);
        for (let y = 0; y < ymax; y++) s += src[(y + ymin) * srcW + xx] * V.k[off + y];
        out[yy * srcW + xx] = clip8(s);
      }
    }
    return out;
  }

  // RGBA pixels -> the model's input, as uint8 (size x size x channels, interleaved).
  function prepare(image, size, channels) {
    const rgba = new Uint8ClampedArray(image.rgba);
    onWhite(rgba);
    let w = image.width, h = image.height;
    let bands = planes(rgba, w, h, channels);
    const shrinkBy = function (a) {
      bands = bands.map(function (p) { return reduce(p, w, h, a).plane; });
      w = Math.ceil(w / a);
      h = Math.ceil(h / a);
    };
    const large = Math.max(image.fileWidth, image.fileHeight) > REDUCE_ABOVE;
    if (large && image.type === "jpeg" && !image.shrunk) {
      const a = draftFactor(image.fileWidth, image.fileHeight, size);
      if (a > 1) shrinkBy(a);
    }
    if (Math.max(w, h) > REDUCE_ABOVE) {         // nnbook.images._reduced: a whole factor, box filter
      const a = Math.ceil(Math.max(w, h) / Math.max(REDUCE_TO, 4 * size));
      if (a > 1) shrinkBy(a);
    }
    bands = bands.map(function (p) { return resize(p, w, h, size); });
    const out = new Uint8Array(size * size * channels);
    for (let c = 0; c < channels; c++) {
      const p = bands[c];
      for (let i = 0; i < size * size; i++) out[i * channels + c] = p[i];
    }
    return out;
  }

  // ---------------------------------------------------------------- classification
  async function run(name, pixels) {
    const m = await info(name);
    const net = await loadNet(name);
    const tf = window.tf;
    const x = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255;
    const y = tf.tidy(function () {
      return net.predict(tf.tensor4d(x, [1, m.size, m.size, m.channels]));
    });
    const out = await y.data();
    y.dispose();
    const p = m.sigmoid ? [1 - out[0], out[0]] : Array.from(out);
    return m.classes.map(function (label, i) { return {label: label, probability: p[i]}; })
      .sort(function (a, b) { return b.probability - a.probability; });
  }
  async function classifyImage(name, image) {
    const m = await info(name);
    const pixels = prepare(image, m.size, m.channels);
    const start = performance.now();
    const answer = await run(name, pixels);
    return {answer: answer, pixels: pixels, ms: performance.now() - start, model: m};
  }
  async function classify(name, blob) {
    await info(name);
    const image = await decode(blob, blob && blob.name ? blob.name : "the photo");
    return (await classifyImage(name, image)).answer;
  }
  async function modelInput(name, blob) {  // for tests: the uint8 input the model is given
    const m = await info(name);
    return Array.from(prepare(await decode(blob, "the photo"), m.size, m.channels));
  }
  async function timeit(name, blob, n) {   // for the bench: milliseconds per classification of one photo
    const m = await info(name);
    const image = await decode(blob, "the photo");
    await run(name, prepare(image, m.size, m.channels));
    const times = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await run(name, prepare(image, m.size, m.channels));
      times.push(performance.now() - start);
    }
    return {times: times, backend: window.tf.getBackend()};
  }

  // ---------------------------------------------------------------- the user interface
  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of children || []) e.appendChild(c);
    return e;
  }
  function pct(p) { return (100 * p).toFixed(1) + " %"; }

  function modelView(pixels, size, channels) {  // the image as the model saw it, enlarged without smoothing
    const canvas = el("canvas", {width: size, height: size, class: "nnbook-web-input"});
    const ctx = canvas.getContext("2d");
    const data = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      for (let c = 0; c < 3; c++) data.data[i * 4 + c] = pixels[i * channels + (channels === 1 ? 0 : c)];
      data.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
    return canvas;
  }

  function Tool(root, options) {
    this.root = root;
    this.options = options;
    this.busy = false;
    this.stream = null;
    this.timer = null;
  }
  Tool.prototype.build = async function () {
    const self = this, root = this.root, fixed = this.options.model;
    root.textContent = "";
    let list;
    try {
      list = await models();
    } catch (err) {
      list = [];
    }
    if (fixed) list = list.filter(function (m) { return m.name === fixed; });
    if (!list.length) {
      root.appendChild(el("p", {class: "nnbook-web-message", text: fixed
        ? "This build has no '" + fixed + "' model: run its chapter, then build the book again."
        : "This build has no saved models: run chapters 4 and 6–8 (pytest or jupyter-book build), then build " +
          "the book again."}));
      return;
    }
    this.select = el("select", {class: "nnbook-web-model", "aria-label": "model"});
    for (const m of window.nnbookWebIndex) {
      if (fixed && m.name !== fixed) continue;
      this.select.appendChild(el("option", {value: m.name, text: m.title || m.name}));
    }
    this.file = el("input", {type: "file", accept: "image/*", class: "nnbook-web-file"});
    this.camera = el("button", {type: "button", class: "nnbook-web-camera", text: "Start the webcam"});
    this.message = el("p", {class: "nnbook-web-message", role: "status"});
    this.result = el("div", {class: "nnbook-web-result"});
    this.about = el("p", {class: "nnbook-web-about"});
    this.video = el("video", {class: "nnbook-web-video", playsinline: "", muted: "", hidden: ""});
    this.video.muted = true;
    const drop = el("div", {class: "nnbook-web-drop"}, [
      el("span", {text: "Drop a photo here, or "}), this.file]);
    const controls = el("div", {class: "nnbook-web-controls"}, [
      el("label", {text: "Model: "}, [this.select]), this.camera]);
    root.appendChild(controls);
    root.appendChild(this.about);
    root.appendChild(drop);
    root.appendChild(el("p", {class: "nnbook-web-privacy",
      text: "Your photo never leaves this device: the model runs in your browser."}));
    root.appendChild(this.message);
    root.appendChild(this.video);
    root.appendChild(this.result);
    this.select.addEventListener("change", function () { self.describe(); self.again(); });
    this.file.addEventListener("change", function () {
      if (self.file.files.length) self.photo(self.file.files[0]);
    });
    drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      if (e.dataTransfer.files.length) self.photo(e.dataTransfer.files[0]);
    });
    this.camera.addEventListener("click", function () {
      if (self.stream) self.stopCamera(); else self.startCamera();
    });
    this.describe();
    root.setAttribute("data-ready", "true");
  };
  Tool.prototype.current = function () {
    const name = this.select.value;
    return window.nnbookWebIndex.find(function (m) { return m.name === name; });
  };
  Tool.prototype.describe = function () {
    const m = this.current(), kb = (m.model_json_bytes + m.weights_bytes) / 1024;
    let text = m.size + " x " + m.size + " " + (m.channels === 1 ? "grayscale" : "RGB") + " input, " +
      m.classes.length + " classes, " + kb.toFixed(0) + " KB to download";
    if (m.accuracy != null) text += "; test accuracy " + pct(m.accuracy) + " in " + (m.chapter_title || "its chapter") +
      "'s run of this build";
    this.about.textContent = text + ".";
    if (m.chapter_url) {
      this.about.appendChild(document.createTextNode(" "));
      this.about.appendChild(el("a", {href: SITE + m.chapter_url, text: "How it was trained"}));
    }
  };
  Tool.prototype.say = function (text) { this.message.textContent = text; };
  Tool.prototype.again = function () {
    if (this.lastImage && !this.stream) this.show(this.lastImage, this.lastName);
  };
  Tool.prototype.photo = async function (file) {
    this.stopCamera();
    this.say("Reading " + file.name + "…");
    try {
      this.lastImage = await decode(file, file.name);
      this.lastName = file.name;
    } catch (err) {
      this.lastImage = null;
      this.result.textContent = "";
      this.say(err instanceof PhotoError ? err.message : "Could not use " + quoted(file.name) + ": " + err.message);
      return;
    }
    await this.show(this.lastImage, file.name);
  };
  Tool.prototype.show = async function (image, label) {
    const m = this.current();
    let out;
    try {
      if (!nets[m.name]) this.say("Loading the " + (m.title || m.name) + " model…");
      out = await classifyImage(m.name, image);
    } catch (err) {
      this.say("The model " + quoted(m.name) + " failed to load: " + err.message);
      return false;
    }
    if (image.type === "video" && !this.stream) return true;  // the webcam was stopped meanwhile
    this.render(out, label);
    return true;
  };
  Tool.prototype.render = function (out, label) {
    const m = out.model;
    const bars = el("div", {class: "nnbook-web-bars"});
    for (const row of out.answer.slice(0, 3)) {
      const bar = el("div", {class: "nnbook-web-bar"}, [
        el("span", {class: "label", text: row.label}),
        el("span", {class: "track"}, [el("span", {class: "fill", style: "width:" + (100 * row.probability)
                                                                         .toFixed(1) + "%"})]),
        el("span", {class: "value", text: pct(row.probability)})]);
      bars.appendChild(bar);
    }
    const view = el("figure", {class: "nnbook-web-view"}, [modelView(out.pixels, m.size, m.channels),
      el("figcaption", {text: "what the model saw: " + m.size + " x " + m.size + " " +
                              (m.channels === 1 ? "grayscale" : "RGB")})]);
    this.result.textContent = "";
    this.result.appendChild(view);
    this.result.appendChild(bars);
    if (m.warning) {
      const warn = el("p", {class: "nnbook-web-warning", text: m.warning + " "});
      if (m.audit_url) warn.appendChild(el("a", {href: SITE + m.audit_url, text: "See the error audit."}));
      this.result.appendChild(warn);
    }
    this.result.setAttribute("data-top", out.answer[0].label);
    this.say(label + ": " + out.answer[0].label + " (" + pct(out.answer[0].probability) + "), in " +
             out.ms.toFixed(0) + " ms on this device");
  };
  Tool.prototype.startCamera = async function () {
    const self = this;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.say("This browser gives no access to a camera (a page opened from file:// or over plain http " +
               "from another host cannot use it).");
      return;
    }
    this.say("Asking for the camera…");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({video: {width: 320, height: 240}, audio: false});
    } catch (err) {
      this.stream = null;
      const denied = err && (err.name === "NotAllowedError" || err.name === "SecurityError");
      const none = err && (err.name === "NotFoundError" || err.name === "OverconstrainedError");
      this.say(denied ? "The camera was not allowed: allow it in the browser's site settings to try it."
               : none ? "No camera was found on this device." : "The camera could not start: " + err.message);
      return;
    }
    this.video.srcObject = this.stream;
    this.video.hidden = false;
    await this.video.play().catch(function () {});
    this.camera.textContent = "Stop the webcam";
    this.frames = 0;
    const tick = async function () {
      if (!self.stream) return;
      const started = performance.now();
      if (self.video.videoWidth) {
        const pixels = bitmapPixels(self.video);
        const ok = await self.show({rgba: pixels.data, width: pixels.width, height: pixels.height,
                                    type: "video"}, "webcam");
        if (!ok) { self.stopCamera(true); return; }
        self.frames++;
        self.result.setAttribute("data-frames", String(self.frames));
      }
      if (self.stream) self.timer = setTimeout(tick, Math.max(0, WEBCAM_MS - (performance.now() - started)));
    };
    tick();
  };
  Tool.prototype.stopCamera = function (keepMessage) {
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    clearTimeout(this.timer);
    this.video.srcObject = null;
    this.video.hidden = true;
    this.camera.textContent = "Start the webcam";
    if (!keepMessage) this.say("The webcam is off.");
  };

  function mount(root) {
    if (root.nnbookTool) return root.nnbookTool;
    const tool = new Tool(root, {model: root.getAttribute("data-nnbook-web-model") || null});
    root.nnbookTool = tool;
    tool.build();
    return tool;
  }
  function upgrade() {  // the model web page; "Try it here" buttons: nnbook_web_loader.js
    for (const root of document.querySelectorAll(".nnbook-web-app")) mount(root);
  }

  window.nnbookWeb = {models: models, classify: classify, modelInput: modelInput, timeit: timeit,
                      mount: mount, version: "1"};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", upgrade);
  else upgrade();
})();

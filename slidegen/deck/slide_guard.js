// Runs before any slide code in every document that holds slides (editor frames, presenter,
// HTML and print exports; see slidegen/deck/render.py). The document's CSP already blocks
// fetch, XHR, WebSocket, beacons, images and frames from outside; what CSP cannot stop is
// stopped here:
// - WebRTC (STUN/TURN traffic is outside CSP): the constructors are removed from the window.
// - Nested frames: a child frame would get a fresh window with WebRTC intact, so frame-like
//   elements cannot be created, are removed when parsed in, and never expose a window.
// - Navigation: the document may not navigate anywhere (a URL with data in its query is a leak);
//   editor frames are also held by the app page's `frame-src`, exports only by this.
(function () {
  "use strict";
  var RTC = [
    "RTCPeerConnection", "webkitRTCPeerConnection", "mozRTCPeerConnection",
    "RTCDataChannel", "RTCSessionDescription", "RTCIceCandidate", "RTCIceTransport",
    "RTCDtlsTransport", "RTCSctpTransport", "RTCRtpSender", "RTCRtpReceiver",
    "RTCRtpTransceiver", "RTCCertificate", "RTCPeerConnectionIceEvent",
    "RTCPeerConnectionIceErrorEvent", "RTCDataChannelEvent", "RTCTrackEvent",
    "RTCEncodedAudioFrame", "RTCEncodedVideoFrame", "RTCRtpScriptTransform",
    "RTCDTMFSender", "RTCError", "RTCErrorEvent", "WebTransport", "PresentationRequest",
  ];
  RTC.forEach(function (name) {
    try {
      Object.defineProperty(window, name, {
        value: undefined, writable: false, configurable: false, enumerable: false,
      });
    } catch (e) {
      try { delete window[name]; } catch (e2) { /* not present */ }
    }
  });
  if (navigator.mediaDevices) {
    try {
      Object.defineProperty(navigator, "mediaDevices", { value: undefined, configurable: false });
    } catch (e) { /* read-only here */ }
  }

  var FRAMES = { IFRAME: 1, FRAME: 1, FRAMESET: 1, OBJECT: 1, EMBED: 1, PORTAL: 1, FENCEDFRAME: 1 };
  var isFrame = function (node) {
    return node && node.nodeType === 1 && FRAMES[String(node.nodeName).toUpperCase()] === 1;
  };
  var refuse = function (name) {
    return new DOMException("slides cannot create <" + name + "> elements", "NotSupportedError");
  };
  var create = Document.prototype.createElement;
  var createNS = Document.prototype.createElementNS;
  Document.prototype.createElement = function (name) {
    if (FRAMES[String(name).toUpperCase()] === 1) throw refuse(name);
    return create.apply(this, arguments);
  };
  Document.prototype.createElementNS = function (ns, name) {
    var local = String(name).split(":").pop();
    if (FRAMES[local.toUpperCase()] === 1) throw refuse(local);
    return createNS.apply(this, arguments);
  };
  [window.HTMLIFrameElement, window.HTMLFrameElement, window.HTMLObjectElement,
   window.HTMLEmbedElement].forEach(function (cls) {
    if (!cls) return;
    ["contentWindow", "contentDocument", "src", "srcdoc", "data"].forEach(function (prop) {
      if (!(prop in cls.prototype)) return;
      Object.defineProperty(cls.prototype, prop, {
        configurable: false,
        get: function () { return null; },
        set: function () { /* ignored: frames are not allowed */ },
      });
    });
    ["getSVGDocument"].forEach(function (fn) {
      if (cls.prototype[fn]) cls.prototype[fn] = function () { return null; };
    });
  });
  var strip = function (node) {
    if (isFrame(node)) {
      node.remove();
      return;
    }
    if (node && node.querySelectorAll) {
      var found = node.querySelectorAll("iframe,frame,frameset,object,embed,portal,fencedframe");
      for (var i = 0; i < found.length; i++) found[i].remove();
    }
  };
  new MutationObserver(function (records) {
    for (var r = 0; r < records.length; r++) {
      var added = records[r].addedNodes;
      for (var n = 0; n < added.length; n++) strip(added[n]);
    }
  }).observe(document, { childList: true, subtree: true });

  // A refresh to another URL is a navigation that the Navigation API may not see in time.
  new MutationObserver(function (records) {
    for (var r = 0; r < records.length; r++) {
      var added = records[r].addedNodes;
      for (var n = 0; n < added.length; n++) {
        var node = added[n];
        if (node.nodeType === 1 && node.nodeName === "META" &&
            /refresh/i.test(node.getAttribute("http-equiv") || "")) {
          node.remove();
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });

  var here = String(location.href).split("#")[0];
  if (window.navigation && window.navigation.addEventListener) {
    window.navigation.addEventListener("navigate", function (event) {
      var target = String(event.destination && event.destination.url || "");
      // Jumps within the document (#anchors) are fine; anything else is refused.
      if (target.split("#")[0] === here && target.indexOf("#") >= 0) return;
      if (event.cancelable) event.preventDefault();
    });
  }
  document.addEventListener("submit", function (event) { event.preventDefault(); }, true);
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a[href],area[href]");
    if (!link) return;
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) !== "#") event.preventDefault();
  }, true);
})();

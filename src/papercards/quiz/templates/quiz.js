(function () {
  "use strict";
  // Everything this script writes into the page is text (textContent, value): nothing
  // from the quiz data or from storage is ever parsed as markup.
  var data = JSON.parse(document.getElementById("quiz-data").textContent);
  var total = data.questions.length;
  var points = {};              // question n -> points for a checked question (0…1)
  var MAX_TEXT = 500;           // longest blank answer kept

  // Same comparison as papercards.quiz.normalize.key: NFKC, case, spaces, punctuation.
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]/gu, "");
  }

  function section(q) { return document.getElementById("q" + q.n); }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function isIndex(v, length) { return typeof v === "number" && Math.floor(v) === v && v >= 0 && v < length; }
  function fmt(x) { return String(Math.round(x * 10) / 10); }

  // ---------------------------------------------------------------- storage
  // The answers live in this browser's local storage, per quiz and version, so a
  // reload or the phone dropping the tab in the background loses nothing. Storage
  // may be off (private mode, a locked-down browser) or full: the quiz still works.
  var saved = (function () {
    var key = "papercards:quiz:" + data.id + ":" + data.version;
    var ls = null;
    try {
      ls = window.localStorage;
      ls.setItem("papercards:probe", "1");
      ls.removeItem("papercards:probe");
    } catch (e) { ls = null; }
    function warn() { document.getElementById("keep-note").hidden = false; }
    if (!ls) warn();
    return {
      load: function () {
        if (!ls) return null;
        try { return JSON.parse(ls.getItem(key)); } catch (e) { return null; }
      },
      save: function (value) {
        if (!ls) return;
        try { ls.setItem(key, JSON.stringify(value)); } catch (e) { warn(); }
      },
      clear: function () {
        if (!ls) return;
        try { ls.removeItem(key); } catch (e) { /* nothing kept, nothing to clear */ }
      }
    };
  })();

  function answerOf(q, el) {
    var a = { checked: el.classList.contains("answered") };
    if (q.type === "mcq" || q.type === "tf") {
      var picked = el.querySelector('.opt[aria-pressed="true"]');
      a.pick = picked ? Number(picked.getAttribute("data-i")) : null;
    } else if (q.type === "cloze") {
      a.blanks = Array.prototype.map.call(el.querySelectorAll("input.blank"), function (i) { return i.value; });
    } else if (q.type === "match") {
      a.match = Array.prototype.map.call(el.querySelectorAll("select"), function (s) {
        return s.value === "" ? null : Number(s.value);
      });
    }
    return a;
  }

  function keep() {
    var answers = {};
    data.questions.forEach(function (q) {
      var el = section(q);
      if (el) answers[q.id] = answerOf(q, el);
    });
    saved.save({ answers: answers });
  }

  // A stored value is only read, never trusted: each answer is checked against the
  // question it claims to answer, and anything else is ignored.
  function restore() {
    var value = saved.load();
    if (!value || typeof value !== "object" || !value.answers || typeof value.answers !== "object") return;
    data.questions.forEach(function (q) {
      var el = section(q);
      if (!el || !own(value.answers, q.id)) return;
      var a = value.answers[q.id];
      if (!a || typeof a !== "object") return;
      if (q.type === "mcq" || q.type === "tf") {
        if (!isIndex(a.pick, q.options.length)) return;
        pick(q, el, a.pick);
      } else if (q.type === "cloze" && Array.isArray(a.blanks)) {
        el.querySelectorAll("input.blank").forEach(function (input, b) {
          if (typeof a.blanks[b] === "string") input.value = a.blanks[b].slice(0, MAX_TEXT);
        });
      } else if (q.type === "match" && Array.isArray(a.match)) {
        el.querySelectorAll("select").forEach(function (sel, row) {
          if (isIndex(a.match[row], q.match.length)) sel.value = String(a.match[row]);
        });
      }
      if (a.checked === true) check(q, el);
    });
  }

  // ---------------------------------------------------------------- answering

  function finish(q, el, got, verdict) {
    points[q.n] = got;
    el.classList.add("answered");
    var fb = el.querySelector(".feedback");
    fb.hidden = false;
    fb.classList.add(got === 1 ? "right" : got === 0 ? "wrong" : "partial");
    fb.querySelector(".verdict").textContent = verdict ||
      (got === 1 ? "✓ Right 正确" : "✗ Not quite 错误");
    update();
  }

  function update() {
    var answered = 0, score = 0;
    Object.keys(points).forEach(function (k) { answered++; score += points[k]; });
    document.getElementById("progress").textContent = answered + " / " + total;
    document.getElementById("live-score").textContent = fmt(score);
    document.getElementById("score").textContent = fmt(score) + " / " + total;
    var result = document.getElementById("result");
    var msg = document.getElementById("result-msg");
    if (answered === total) {
      result.classList.add("done");
      var pct = Math.round(100 * score / total);
      msg.textContent = score === total ? "Perfect score! 满分！" : "Done: " + pct + "% right. 完成。";
    } else {
      result.classList.remove("done");
      msg.textContent = (total - answered) + " question(s) left 题未答";
    }
  }

  function fix(after, text) {
    var span = document.createElement("span");
    span.className = "fix";
    span.textContent = "→ " + text;
    after.insertAdjacentElement("afterend", span);
  }

  // mcq / tf: a tap picks (and a second tap elsewhere changes the pick); Check decides.
  function pick(q, el, i) {
    if (el.classList.contains("answered")) return;
    el.querySelectorAll(".opt").forEach(function (b) {
      b.setAttribute("aria-pressed", Number(b.getAttribute("data-i")) === i ? "true" : "false");
    });
    el.querySelector(".check").disabled = false;
  }

  function checkChoice(q, el) {
    var picked = el.querySelector('.opt[aria-pressed="true"]');
    if (!picked) return;
    var i = Number(picked.getAttribute("data-i"));
    el.querySelectorAll(".opt").forEach(function (b) {
      var j = Number(b.getAttribute("data-i"));
      b.setAttribute("aria-disabled", "true");
      if (q.correct.indexOf(j) >= 0) b.classList.add("right");
      else if (j === i) b.classList.add("wrong");
    });
    finish(q, el, q.correct.indexOf(i) >= 0 ? 1 : 0);
  }

  function checkCloze(q, el) {
    var ok = true;
    el.querySelectorAll("input.blank").forEach(function (input) {
      var b = Number(input.getAttribute("data-b"));
      var accepted = (q.blanks[b] || []).map(norm);
      var good = input.value.trim() !== "" && accepted.indexOf(norm(input.value)) >= 0;
      input.readOnly = true;
      input.classList.add(good ? "right" : "wrong");
      input.setAttribute("aria-invalid", good ? "false" : "true");
      if (!good) { ok = false; fix(input, q.blanks[b][0]); }
    });
    finish(q, el, ok ? 1 : 0);
  }

  // Each pair scores on its own; a wrong one names the right term, not just its letter.
  function checkMatch(q, el) {
    var right = 0;
    el.querySelectorAll("select").forEach(function (sel) {
      var row = Number(sel.getAttribute("data-row"));
      var want = q.match[row];
      var good = sel.value !== "" && Number(sel.value) === want;
      sel.disabled = true;
      sel.classList.add(good ? "right" : "wrong");
      if (good) right++;
      else fix(sel, String.fromCharCode(65 + want) + ". " + q.choices[want]);
    });
    var n = q.match.length;
    var partial = right > 0 && right < n;
    finish(q, el, right / n, partial ? "◐ " + right + " of " + n + " pairs right 配对正确 " + right + "/" + n : "");
  }

  function check(q, el) {
    if (el.classList.contains("answered")) return;
    if (q.type === "mcq" || q.type === "tf") checkChoice(q, el);
    else if (q.type === "cloze") checkCloze(q, el);
    else if (q.type === "match") checkMatch(q, el);
  }

  function clear(q, el) {
    el.classList.remove("answered");
    var fb = el.querySelector(".feedback");
    fb.hidden = true;
    fb.classList.remove("right", "wrong", "partial");
    el.querySelectorAll(".fix").forEach(function (f) { f.remove(); });
    el.querySelectorAll(".opt").forEach(function (b) {
      b.classList.remove("right", "wrong");
      b.setAttribute("aria-pressed", "false");
      b.removeAttribute("aria-disabled");
    });
    if (q.type === "mcq" || q.type === "tf") el.querySelector(".check").disabled = true;
    el.querySelectorAll("input.blank").forEach(function (i) {
      i.value = ""; i.readOnly = false; i.classList.remove("right", "wrong"); i.removeAttribute("aria-invalid");
    });
    el.querySelectorAll("select").forEach(function (s) {
      s.value = ""; s.disabled = false; s.classList.remove("right", "wrong");
    });
  }

  data.questions.forEach(function (q) {
    var el = section(q);
    if (!el) return;
    el.querySelectorAll(".opt").forEach(function (b) {
      b.addEventListener("click", function () { pick(q, el, Number(b.getAttribute("data-i"))); keep(); });
    });
    el.querySelector(".check").addEventListener("click", function () {
      check(q, el);
      keep();
      // the button hides once checked: keep the focus in the question, on its verdict
      if (el.classList.contains("answered")) el.querySelector(".feedback").focus();
    });
    el.addEventListener("input", keep);
    el.addEventListener("change", keep);
    var inputs = el.querySelectorAll("input.blank");
    inputs.forEach(function (input, i) {
      input.addEventListener("keydown", function (ev) {
        if (ev.key !== "Enter") return;
        ev.preventDefault();
        if (i + 1 < inputs.length && inputs[i + 1].value === "") inputs[i + 1].focus();
        else { check(q, el); keep(); }
      });
    });
  });

  // ---------------------------------------------------------------- start over, print

  var restart = document.getElementById("restart");
  var confirmBox = document.getElementById("confirm-restart");
  function asking(on) {
    confirmBox.hidden = !on;
    restart.setAttribute("aria-expanded", on ? "true" : "false");
  }
  restart.addEventListener("click", function () {
    asking(true);
    document.getElementById("restart-no").focus();
  });
  document.getElementById("restart-no").addEventListener("click", function () {
    asking(false);
    restart.focus();
  });
  document.getElementById("restart-yes").addEventListener("click", function () {
    asking(false);
    points = {};
    data.questions.forEach(function (q) { var el = section(q); if (el) clear(q, el); });
    saved.clear();
    update();
    window.scrollTo(0, 0);
  });

  var printKey = document.getElementById("print-key");
  var key = document.getElementById("key");
  var wasOpen = false;
  printKey.addEventListener("change", function () {
    document.body.classList.toggle("print-key", printKey.checked);
  });
  window.addEventListener("beforeprint", function () {
    wasOpen = key.open;
    if (printKey.checked) key.open = true;
  });
  window.addEventListener("afterprint", function () { key.open = wasOpen; });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  // the phone may drop a page in the background without another event
  window.addEventListener("pagehide", keep);
  document.addEventListener("visibilitychange", function () { if (document.hidden) keep(); });

  try { restore(); } catch (e) {
    // a stored value this page cannot use: start clean rather than half-restored
    points = {};
    data.questions.forEach(function (q) { var el = section(q); if (el) clear(q, el); });
  }
  update();
})();

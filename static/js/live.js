// Live updates over one WebSocket per page (reconnect/live.py, messaging/consumers.py): the unread counters in
// the header, and new messages on an open conversation page. Everything also works without it: a reload
// shows the same. The socket carries the session cookie; the server decides what this person may follow.
(function () {
  "use strict";
  if (!("WebSocket" in window) || !window.JSON) { return; }

  var NOT_SIGNED_IN = 4401;  // the server's close code: do not try again (the next page load signs in)
  var socket = null;
  var attempts = 0;
  var retryTimer = null;
  var stopped = false;
  var status, list, conversationId = null, newest = 0, unseen = false;

  function socketUrl() {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/ws/live/";
  }

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); }
  }

  // Said once by screen readers (a polite live region), without moving focus.
  function announce(text) {
    if (!text || !status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  // A counter badge inside `holder`: the number, and "unread" for screen readers; gone at zero.
  function setBadge(holder, badge, count, badgeId) {
    if (!holder) { return; }
    if (!count) {
      if (badge) { badge.parentNode.removeChild(badge); }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      if (badgeId) { badge.id = badgeId; }
      holder.appendChild(document.createTextNode(" "));
      holder.appendChild(badge);
    }
    badge.textContent = String(count);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + (status ? status.getAttribute("data-unread-label") : "");
    badge.appendChild(hidden);
  }

  function updateBadges(data) {
    var messagesLink = document.getElementById("messages-link");
    setBadge(messagesLink, document.getElementById("messages-badge"), data.messages, "messages-badge");
    var bell = document.getElementById("notification-bell");
    setBadge(bell, bell ? bell.querySelector(".badge") : null, data.notifications, null);
  }

  function numberOf(article) {
    return parseInt(article.id.replace("message-", ""), 10) || 0;
  }

  // New messages come as the page's own HTML partial, drawn (and escaped) by the server for this person.
  function addMessages(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var added = [];
    Array.prototype.slice.call(template.content.querySelectorAll("article.conv-message")).forEach(function (article) {
      if (!article.id || document.getElementById(article.id)) { return; }  // already on the page
      var number = numberOf(article);
      var later = Array.prototype.slice.call(list.querySelectorAll("article.conv-message")).filter(function (other) {
        return numberOf(other) > number;
      })[0];
      var empty = list.querySelector("p.conv-empty");
      if (empty) { empty.parentNode.removeChild(empty); }
      article.classList.add("conv-arrived");
      list.insertBefore(article, later || null);
      newest = Math.max(newest, number);
      added.push(article);
    });
    return added.length;
  }

  // "Sent, not read yet" becomes "Read" on my messages everyone else has now read.
  function showRead(upTo, label) {
    Array.prototype.slice.call(list.querySelectorAll("article.conv-mine .conv-sent")).forEach(function (sent) {
      var article = sent.closest("article.conv-message");
      if (article && numberOf(article) <= upTo && label) {
        var read = document.createElement("span");
        read.className = "conv-read";
        read.textContent = label;
        sent.parentNode.replaceChild(read, sent);
      }
    });
  }

  // The person has the conversation in front of them: what arrived counts as read (as a reload would).
  function markRead() {
    if (unseen && conversationId && newest && document.visibilityState === "visible") {
      unseen = false;
      send({ action: "read", conversation: conversationId, number: newest });
    }
  }

  function onMessage(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (!data || typeof data !== "object") { return; }
    if (data.kind === "badges") {
      updateBadges(data);
      announce(data.announce);
    } else if (data.kind === "messages" && list && data.conversation === conversationId) {
      if (addMessages(data.html)) {
        unseen = true;
        announce(data.announce);
        markRead();
      }
    } else if (data.kind === "read" && list && data.conversation === conversationId) {
      showRead(data.up_to, data.label);
    } else if (data.kind === "following" && list && data.conversation === conversationId) {
      list.setAttribute("data-live-state", "following");
    } else if (data.kind === "refused" && data.conversation === conversationId) {
      conversationId = null;  // not (or no longer) this person's to follow; a reload shows why
    }
  }

  function connect() {
    retryTimer = null;
    if (stopped) { return; }
    try {
      socket = new WebSocket(socketUrl());
    } catch (e) {
      scheduleRetry();
      return;
    }
    socket.addEventListener("open", function () {
      attempts = 0;
      document.documentElement.setAttribute("data-live-state", "open");
      if (conversationId) {
        // "after": whatever was sent while this page loaded or the socket was away comes now.
        send({ action: "follow", conversation: conversationId, after: newest });
      }
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      document.documentElement.setAttribute("data-live-state", "closed");
      if (list) { list.removeAttribute("data-live-state"); }
      if (event.code === NOT_SIGNED_IN) { stopped = true; return; }
      scheduleRetry();
    });
  }

  // Wait longer after each failure (1 s, 2 s, 4 s ... at most 60 s), with some randomness so that many
  // pages do not all come back at the same moment after a restart.
  function scheduleRetry() {
    if (stopped || retryTimer) { return; }
    var delay = Math.min(60000, 1000 * Math.pow(2, attempts)) * (0.5 + Math.random() / 2);
    attempts += 1;
    retryTimer = window.setTimeout(connect, delay);
  }

  function retryNow() {
    if (stopped || socket) { return; }
    if (retryTimer) { window.clearTimeout(retryTimer); }
    attempts = 0;
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    status = document.getElementById("live-status");
    if (!status) { return; }  // not fully signed in: no live feed
    list = document.getElementById("conversation-messages");
    if (list && list.getAttribute("data-live-conversation")) {
      conversationId = parseInt(list.getAttribute("data-live-conversation"), 10) || null;
      newest = parseInt(list.getAttribute("data-live-newest"), 10) || 0;
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { markRead(); retryNow(); }
    });
    window.addEventListener("online", retryNow);
    connect();
  });
})();

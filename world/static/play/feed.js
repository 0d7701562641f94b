// The caller's live feed over Server-Sent Events: resumes where it was, never shows an event twice.
//
// The browser reconnects an EventSource by itself after a dropped connection and sends Last-Event-ID.
// When it gives up (readyState CLOSED, e.g. an error answer while the server restarts), a new
// EventSource resumes with ?after=<last id seen>. Ids only grow, so anything at or below the last id
// is a duplicate and is dropped.

const RETRY_MS = [500, 1000, 2000, 5000, 10000];

export class LiveFeed {
  constructor(url, { onEvent, onStatus, onResumed, onEnd }) {
    Object.assign(this, { url, onEvent, onStatus, onResumed, onEnd });
    this.lastId = 0;
    this.source = null;
    this.failures = 0;
    this.opened = false;
    this.timer = null;
  }

  start(afterId) {
    this.lastId = Math.max(this.lastId, afterId || 0);
    this.stop();
    this.onStatus("connecting");
    const source = new EventSource(`${this.url}?after=${this.lastId}`);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.onStatus("live");
      if (this.opened) this.onResumed();  // the room may have changed while we were away
      this.opened = true;
    };
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.id <= this.lastId) return;
      this.lastId = event.id;
      this.onEvent(event);
    };
    source.addEventListener("end", () => {
      this.stop();
      this.onEnd();
    });
    source.onerror = () => {
      if (source !== this.source) return;
      this.onStatus("reconnecting");
      if (source.readyState === EventSource.CLOSED) this.retryLater();
    };
  }

  retryLater() {
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.timer = setTimeout(() => this.start(this.lastId), delay);
  }

  stop() {
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }
}

package bot

import (
	"context"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// inflightRepoll is how long the poll loop waits, while updates are in
// flight and none came new, before asking Telegram for new ones again.
const inflightRepoll = 20 * time.Millisecond

// The per-chat limit. A chat with maxChatBacklog updates in flight is
// flooding: its further updates are dropped, and keep being dropped until
// none has come for floodQuiet. Telegram returns at most 100 updates from
// the offset, and the offset cannot pass an update still in flight: a
// chat's queue of hundreds would hide every other chat's updates behind
// it until it was worked off. A woman who waits for the answers never has
// more than one update in flight, however fast she types; the updates of
// a chat that flood are dropped at once, so the offset moves past them.
const (
	maxChatBacklog = 8
	floodQuiet     = time.Second
)

// window is the poll loop's view of the updates in flight. The loop keeps
// polling while updates are handled, so one slow chat does not hold up the
// others; the offset it sends Telegram is the lowest update still in
// flight, so an update is acknowledged only once it was handled (its
// transaction committed, its replies sent) or dropped. Updates of one chat
// run one after another, in order; chats run in parallel, at most cap(sem)
// at once.
type window struct {
	sem      chan struct{}
	finished chan struct{} // signalled when an update finishes
	advanced chan struct{} // signalled when the lowest update in flight finishes
	acked    int           // the offset Telegram last received
	now      func() time.Time

	mu       sync.Mutex
	inflight map[int]bool
	next     int                  // one past the highest update dispatched
	chats    map[int64]*chatQueue // per chat with updates in flight or flooding
	running  int                  // chats with updates in flight: one of each can run
	wg       sync.WaitGroup
}

// chatQueue is a chat's updates in flight, and whether it floods.
type chatQueue struct {
	tail     chan struct{} // closed when its last update dispatched finishes
	queued   int           // updates in flight
	until    time.Time     // flooding until then
	notified bool          // told of this flood
	exit     int           // an exit let through while flooding, in flight
}

func newWindow(sem chan struct{}) *window {
	return &window{sem: sem, finished: make(chan struct{}, 1), advanced: make(chan struct{}, 1), now: time.Now,
		inflight: map[int]bool{}, chats: map[int64]*chatQueue{}}
}

// admit says whether update id of q's chat joins its queue, or is dropped
// because the chat floods; notify says that the chat is to be told, once
// per flood. An exit is let through while none is in flight, whatever the
// flood: wiping the chat must always work.
func (q *chatQueue) admit(now time.Time, id int, exit func() bool) (ok, notify bool) {
	if q.queued < maxChatBacklog && !now.Before(q.until) {
		q.notified = false
		return true, false
	}
	q.until = now.Add(floodQuiet)
	if q.exit == 0 && exit() {
		q.exit = id
		return true, false
	}
	notify, q.notified = !q.notified, true
	return false, notify
}

// offset is the lowest update still in flight, or one past the highest
// dispatched when none is.
func (w *window) offset() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	off := w.next
	for id := range w.inflight {
		off = min(off, id)
	}
	return off
}

// fresh is the lowest update id not dispatched yet.
func (w *window) fresh() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

// full tells whether as many updates can run as may run at once: one per
// chat with updates in flight, since the others wait behind it. Counting
// those that wait let one chat's queue stop the loop from fetching other
// chats' updates.
func (w *window) full() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running >= cap(w.sem)
}

func (w *window) busy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.inflight) > 0
}

// dispatch starts the updates not seen before. Telegram returns again
// every update at or above the offset, those in flight and those handled
// after the lowest one in flight: both are skipped. An update whose handle
// reports false (cut short by shutdown) stays in the window, so it is
// never acknowledged. An update of a chat that floods goes to drop at once
// and counts as handled.
func (w *window) dispatch(updates []tgbotapi.Update, handle func(tgbotapi.Update) bool, drop func(u tgbotapi.Update, notify bool)) {
	for _, u := range updates {
		w.mu.Lock()
		if u.UpdateID < w.next {
			w.mu.Unlock()
			continue
		}
		w.next = u.UpdateID + 1
		chat, now := chatOf(u), w.now()
		q := w.chats[chat]
		if q == nil {
			if len(w.chats) >= 2*cap(w.sem) {
				w.sweep(now)
			}
			q = &chatQueue{}
			w.chats[chat] = q
		}
		if ok, notify := q.admit(now, u.UpdateID, func() bool { return isExit(u) }); !ok {
			w.mu.Unlock()
			drop(u, notify)
			continue
		}
		prev := q.tail
		done := make(chan struct{})
		q.tail, w.inflight[u.UpdateID] = done, true
		if q.queued++; q.queued == 1 {
			w.running++
		}
		w.wg.Add(1)
		w.mu.Unlock()
		go func() {
			defer w.wg.Done()
			if prev != nil {
				<-prev // the chat's previous update first
			}
			w.sem <- struct{}{}
			handled := handle(u)
			<-w.sem
			w.mu.Lock()
			lowest := false
			if handled {
				delete(w.inflight, u.UpdateID)
				lowest = true
				for id := range w.inflight {
					lowest = lowest && id > u.UpdateID
				}
			}
			if q.exit == u.UpdateID {
				q.exit = 0
			}
			if q.queued--; q.queued == 0 {
				w.running--
			}
			if q.queued == 0 && !w.now().Before(q.until) && w.chats[chat] == q {
				delete(w.chats, chat)
			}
			close(done)
			w.mu.Unlock()
			signal(w.finished)
			if lowest {
				signal(w.advanced)
			}
		}()
	}
}

// sweep forgets the chats that flooded, have nothing in flight and flood
// no longer; w.mu is held. Other chats are forgotten when their last
// update finishes.
func (w *window) sweep(now time.Time) {
	for c, q := range w.chats {
		if q.queued == 0 && !now.Before(q.until) {
			delete(w.chats, c)
		}
	}
}

// signal wakes whoever waits on c, now or at its next wait.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// wait waits until c is signalled, d passes or ctx ends.
func (w *window) wait(ctx context.Context, c <-chan struct{}, d time.Duration) {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-c:
	case <-tm.C:
	case <-ctx.Done():
	}
}

// drain waits for every update in flight, or until ctx ends (the shutdown
// grace): what did not finish stays unacknowledged and is delivered again.
func (w *window) drain(ctx context.Context) {
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

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

// window is the poll loop's view of the updates in flight. The loop keeps
// polling while updates are handled, so one slow chat does not hold up the
// others; the offset it sends Telegram is the lowest update still in
// flight, so an update is acknowledged only once it was handled (its
// transaction committed, its replies sent). Updates of one chat run one
// after another, in order; chats run in parallel, at most cap(sem) at once.
type window struct {
	sem      chan struct{}
	finished chan struct{} // signalled when an update finishes
	advanced chan struct{} // signalled when the lowest update in flight finishes
	acked    int           // the offset Telegram last received

	mu       sync.Mutex
	inflight map[int]bool
	next     int                     // one past the highest update dispatched
	tails    map[int64]chan struct{} // per chat, closed when its last update finishes
	wg       sync.WaitGroup
}

func newWindow(sem chan struct{}) *window {
	return &window{sem: sem, finished: make(chan struct{}, 1), advanced: make(chan struct{}, 1), inflight: map[int]bool{}, tails: map[int64]chan struct{}{}}
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
	return len(w.tails) >= cap(w.sem)
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
// never acknowledged.
func (w *window) dispatch(updates []tgbotapi.Update, handle func(tgbotapi.Update) bool) {
	for _, u := range updates {
		w.mu.Lock()
		if u.UpdateID < w.next {
			w.mu.Unlock()
			continue
		}
		chat := chatOf(u)
		prev := w.tails[chat]
		done := make(chan struct{})
		w.tails[chat], w.inflight[u.UpdateID], w.next = done, true, u.UpdateID+1
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
			if w.tails[chat] == done {
				delete(w.tails, chat)
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

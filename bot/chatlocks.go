package bot

import "sync"

// chatStripes is the number of locks that keep a chat's inputs and its
// idle wipe apart.
const chatStripes = 256

// ChatLocks keeps what happens to one chat in order, whatever the door:
// her inputs one after another, and an idle wipe never in the middle of
// one. Chats share a stripe, which only costs a rare wait. The zero value
// is ready.
type ChatLocks struct{ stripes [chatStripes]sync.Mutex }

// Lock locks a chat and returns its unlock.
func (l *ChatLocks) Lock(chat int64) (unlock func()) {
	m := &l.stripes[uint64(chat)%chatStripes]
	m.Lock()
	return m.Unlock
}

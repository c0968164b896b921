package bot

import (
	"crypto/sha256"
	"encoding/binary"
)

// Every door's conversations share flows.Input.Chat, an int64 that stores
// see only through a keyed hash. The doors split its range so that a chat
// can never be taken for another door's: Telegram's chat ids have at most
// 52 significant bits (its Bot API documentation), the console's is 1, and
// the web door's have bit 62 set.
const webChats int64 = 1 << 62

// WebChat is the chat of a web visitor whose cookie holds the random id.
// It is a hash of the id, so that nothing stored or queued with the chat
// (a callback request, an outbox message) can be turned back into a
// cookie that opens her conversation; 62 random bits make two visitors'
// chats collide with a chance of about n²/2⁶³.
func WebChat(id []byte) int64 {
	h := sha256.New()
	h.Write([]byte("frontdoor web chat\x00"))
	h.Write(id)
	return webChats | int64(binary.BigEndian.Uint64(h.Sum(nil))&uint64(webChats-1))
}

// IsWebChat tells whether a chat is one of the web door's.
func IsWebChat(chat int64) bool { return chat >= webChats }

// IsTelegramChat tells whether a chat can be one of Telegram's: anything
// the web door does not own.
func IsTelegramChat(chat int64) bool { return !IsWebChat(chat) }

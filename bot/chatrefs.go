package bot

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"

	"frontdoor/flows/logattr"
)

// ChatRefs names chats in logs by pseudonyms: an HMAC of the chat id under
// a key drawn when it is made, so that the lines of one run can be
// correlated but not linked to the chat, nor across restarts. The doors
// and the delivery of the outbox share one, so that a chat has one
// pseudonym in every line of a run.
type ChatRefs struct{ key []byte }

// NewChatRefs draws a new key.
func NewChatRefs() *ChatRefs {
	key := make([]byte, 16)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	return &ChatRefs{key: key}
}

// Attr is the log attribute of a chat: its pseudonym.
func (r *ChatRefs) Attr(chat int64) slog.Attr {
	h := hmac.New(sha256.New, r.key)
	h.Write(strconv.AppendInt(nil, chat, 10))
	return logattr.ChatRef(hex.EncodeToString(h.Sum(nil)[:6]))
}

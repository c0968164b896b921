// Package logattr is the one place that builds the attributes of
// frontdoor's log lines. Logs must never carry message text, phone numbers,
// names, Telegram ids, usernames or coordinates: every attribute here takes
// only an event kind, a pseudonym, a number, a duration or an error whose
// text holds none of those, so a log call built from them cannot leak what
// a woman wrote. A test plants such values in every flow and scans the
// output (cmd/frontdoor).
package logattr

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"
)

// Event names what happened ("exit", "idle_wipe", "store_error").
func Event(name string) slog.Attr { return slog.String("event", name) }

// Kind is the kind of input ("text", "button", ...).
func Kind(name string) slog.Attr { return slog.String("kind", name) }

// ChatRef is a chat's pseudonym, never its id: an HMAC under a key drawn at
// start, so lines of one run correlate but link to no one.
func ChatRef(ref string) slog.Attr { return slog.String("chat_ref", ref) }

// Op is the operation that failed ("load", "save", "forget").
func Op(name string) slog.Attr { return slog.String("op", name) }

// Duration is how long something took.
func Duration(d time.Duration) slog.Attr { return slog.Duration("duration", d) }

// Wait is how long the program waits before trying again.
func Wait(d time.Duration) slog.Attr { return slog.Duration("wait", d) }

// Count is a number of things, under a name that says which.
func Count(name string, n int) slog.Attr { return slog.Int(name, n) }

// Code is a Bot API error code, or 0.
func Code(code int) slog.Attr { return slog.Int("code", code) }

// Err is an error's text. Callers pass errors of the store, of the
// dialogue machinery or of the Bot API with the token redacted: none of
// them quotes what she wrote.
func Err(err error) slog.Attr {
	if err == nil {
		return slog.String("error", "")
	}
	return slog.String("error", err.Error())
}

// Flag is a yes/no fact about the program, never about a person.
func Flag(name string, v bool) slog.Attr { return slog.Bool(name, v) }

// Ticket is the random code of a callback request, which operators see; it
// is drawn at random, never derived from her chat or number.
func Ticket(code string) slog.Attr { return slog.String("ticket", code) }

// Lang is a language code of the program's messages.
func Lang(code string) slog.Attr { return slog.String("lang", code) }

// Command is the name of a bot command, never what followed it.
func Command(name string) slog.Attr { return slog.String("command", name) }

// Panic describes a recovered panic by its type and where it happened:
// the functions and lines of the stack, never the panic's value nor the
// arguments a printed stack trace shows, which hold her chat id or what
// she wrote. Call it in the deferred function that recovers.
func Panic(p any) slog.Attr {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(2, pcs) // from the recovering function on
	var b strings.Builder
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		fmt.Fprintf(&b, "%s %s:%d\n", f.Function, f.File, f.Line)
		if !more {
			break
		}
	}
	return slog.Group("panic", slog.String("type", fmt.Sprintf("%T", p)), slog.String("stack", b.String()))
}

// Mode is how the bot receives updates ("polling", "webhook").
func Mode(name string) slog.Attr { return slog.String("mode", name) }

// Addr is an address the program itself listens on, never a client's.
func Addr(addr string) slog.Attr { return slog.String("addr", addr) }

// Version is the program's version, in the start line.
func Version(v string) slog.Attr { return slog.String("version", v) }

// Path is a file of the deployment (the store, the key file): never a
// person's.
func Path(p string) slog.Attr { return slog.String("path", p) }

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"

	"frontdoor/config"
	"frontdoor/flows"
	"frontdoor/store"
)

// operatorsCmd adds, lists and removes the chats that receive callback
// requests: the fallback, and the way for scripts, of what coordinators do
// in the bot (/staff, receiving chats). A chat removed here that held a
// request gives it back to the others at the bot's next tick.
func operatorsCmd(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	const use = "frontdoor: usage: frontdoor operators add --centre ID --chat CHATID [--on-call] | list | remove --chat CHATID\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, use)
		return 2
	}
	fs := flag.NewFlagSet("operators "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	centre := fs.String("centre", "", "id of the centre (see frontdoor directory export)")
	chat := fs.Int64("chat", 0, "Telegram chat id: a group (negative) or an operator's private chat")
	onCall := fs.Bool("on-call", false, "also receive the network's requests nobody took in time")
	// A wrong use gets the usage before the store is opened: a typo must
	// neither create a data directory nor wait for the bot's lock.
	wrong := fs.Parse(args[1:]) != nil || fs.NArg() > 0
	switch args[0] {
	case "add":
		wrong = wrong || *chat == 0 || *centre == ""
	case "remove":
		wrong = wrong || *chat == 0
	case "list":
	default:
		wrong = true
	}
	if wrong {
		fmt.Fprint(stderr, use)
		return 2
	}
	var out string
	err := withStore(cfg, func(db *store.DB) error {
		switch args[0] {
		case "add":
			dir, err := loadDirectory(ctx, db)
			if err != nil {
				return err
			}
			if _, ok := dir.Centre(*centre); !ok {
				return fmt.Errorf("no centre with id %q in the directory", *centre)
			}
			// A chat linked again keeps the name it was linked under.
			op := flows.Operator{Chat: *chat, Centre: *centre, OnCall: *onCall}
			ops, err := db.Operators(ctx)
			if err != nil {
				return err
			}
			if i := slices.IndexFunc(ops, func(o flows.Operator) bool { return o.Chat == *chat }); i >= 0 {
				op.Name = ops[i].Name
			}
			if err := db.SaveOperator(ctx, op); err != nil {
				return err
			}
			out = fmt.Sprintf("Chat %d now receives the callback requests of %s.\n", *chat, *centre)
		case "remove":
			found, err := db.DeleteOperator(ctx, *chat)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("chat %d is not an operator chat", *chat)
			}
			out = fmt.Sprintf("Chat %d no longer receives callback requests.\n", *chat)
		case "list":
			ops, err := db.Operators(ctx)
			if err != nil {
				return err
			}
			if len(ops) == 0 {
				out = "No operator chats: callbacks are not offered.\n"
			}
			for _, op := range ops {
				line := fmt.Sprintf("%d\t%s", op.Chat, op.Centre)
				if op.OnCall {
					line += "\ton call"
				}
				if op.Name != "" {
					line += "\t" + op.Name
				}
				out += line + "\n"
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "frontdoor: %v\n", err)
		return 1
	}
	io.WriteString(stdout, out)
	return 0
}

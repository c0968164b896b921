package main

import (
	"context"
	"flag"
	"fmt"
	"slices"

	"frontdoor/flows"
)

// The operators commands add, list and remove the chats that receive
// callback requests, for scripts and for when the bot is not at hand; the
// bot's staff menu (receiving chats) does the same. A chat removed here
// that held a request gives it back to the others at the bot's next tick.

var operatorsAdd = storeCommand{
	name: "operators add",
	spec: cmdSpec{usage: "frontdoor operators add --centre ID --chat CHATID [--on-call]",
		help: `Lets a chat receive the callback requests of a centre: an operators' group (negative id)
or an operator's private chat (her user id; she must have written /start to the bot).
Centre ids are those of frontdoor directory export.`},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		centre := fs.String("centre", "", "id of the centre (see frontdoor directory export)")
		chat := fs.Int64("chat", 0, "Telegram chat id: a group (negative) or an operator's private chat")
		onCall := fs.Bool("on-call", false, "also receive the network's requests nobody took in time")
		return func([]string) (storeWork, error) {
			if *chat == 0 || *centre == "" {
				return nil, errUsage
			}
			return func(ctx context.Context, env storeEnv) error {
				dir, err := loadDirectory(ctx, env.db)
				if err != nil {
					return err
				}
				if _, ok := dir.Centre(*centre); !ok {
					return fmt.Errorf("no centre with id %q in the directory", *centre)
				}
				// A chat added again keeps the name it was linked under.
				op := flows.Operator{Chat: *chat, Centre: *centre, OnCall: *onCall}
				ops, err := env.db.Operators(ctx)
				if err != nil {
					return err
				}
				if i := slices.IndexFunc(ops, func(o flows.Operator) bool { return o.Chat == *chat }); i >= 0 {
					op.Name = ops[i].Name
				}
				if err := env.db.SaveOperator(ctx, op); err != nil {
					return err
				}
				fmt.Fprintf(env.io.Stdout, "Chat %d now receives the callback requests of %s.\n", *chat, *centre)
				return nil
			}, nil
		}
	},
}

var operatorsList = storeCommand{
	name: "operators list",
	spec: cmdSpec{usage: "frontdoor operators list", help: "Lists the chats that receive callback requests: chat id, centre, whether on call, and a linked group's title."},
	setup: func(*flag.FlagSet) func([]string) (storeWork, error) {
		return func([]string) (storeWork, error) {
			return func(ctx context.Context, env storeEnv) error {
				ops, err := env.db.Operators(ctx)
				if err != nil {
					return err
				}
				if len(ops) == 0 {
					fmt.Fprintln(env.io.Stdout, "No operator chats: callbacks are not offered.")
				}
				for _, op := range ops {
					line := fmt.Sprintf("%d\t%s", op.Chat, op.Centre)
					if op.OnCall {
						line += "\ton call"
					}
					if op.Name != "" {
						line += "\t" + op.Name
					}
					fmt.Fprintln(env.io.Stdout, line)
				}
				return nil
			}, nil
		}
	},
}

var operatorsRemove = storeCommand{
	name: "operators remove",
	spec: cmdSpec{usage: "frontdoor operators remove --chat CHATID", help: "Stops a chat from receiving callback requests."},
	setup: func(fs *flag.FlagSet) func([]string) (storeWork, error) {
		chat := fs.Int64("chat", 0, "Telegram chat id")
		return func([]string) (storeWork, error) {
			if *chat == 0 {
				return nil, errUsage
			}
			return func(ctx context.Context, env storeEnv) error {
				found, err := env.db.DeleteOperator(ctx, *chat)
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("chat %d is not an operator chat", *chat)
				}
				fmt.Fprintf(env.io.Stdout, "Chat %d no longer receives callback requests.\n", *chat)
				return nil
			}, nil
		}
	},
}

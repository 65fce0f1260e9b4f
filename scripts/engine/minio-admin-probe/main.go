// Command minio-admin-probe calls a few MinIO admin API operations, and STS
// AssumeRole, for the tests that prove what a tenant's credentials can and
// cannot mint. The admin API encrypts its request and response bodies with the
// caller's secret key (madmin's argon2id + sio), so the tests use this tool
// instead of hand-written requests.
//
// Usage: minio-admin-probe <operation> < arguments.json
//
// The caller's credentials come from the environment, never from the command
// line: MINIO_ADMIN_PROBE_ENDPOINT (host:port, plain HTTP),
// MINIO_ADMIN_PROBE_ACCESS_KEY, MINIO_ADMIN_PROBE_SECRET_KEY. The operation's
// arguments, which may hold a secret key, are one JSON object on stdin.
//
// It prints one JSON line: {"ok":true,"result":...} (exit 0), or, when MinIO
// refused the call, {"ok":false,"error":{"code":...,"message":...}} (exit 3).
// A bad invocation exits 2, anything else (no server, bad response) exits 1,
// with a message on stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// args is the union of every operation's arguments; each operation reads its own.
type args struct {
	User       string          `json:"user"`
	SecretKey  string          `json:"secretKey"`
	Enabled    *bool           `json:"enabled"`
	Name       string          `json:"name"`
	Policy     json.RawMessage `json:"policy"`
	TargetUser string          `json:"targetUser"`
}

// caller is who signs the requests: the credentials from the environment.
type caller struct{ endpoint, accessKey, secretKey string }

type operation func(ctx context.Context, adm *madmin.AdminClient, c caller, a args) (any, error)

var operations = map[string]operation{
	// add-user {user, secretKey}: creates the user, or sets an existing user's secret key (a rotation).
	"add-user": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		if err := need(a.User != "" && a.SecretKey != "", "user and secretKey"); err != nil {
			return nil, err
		}
		return nil, adm.AddUser(ctx, a.User, a.SecretKey)
	},
	// set-user-status {user, enabled}: enables or disables a user (resume / suspend).
	"set-user-status": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		if err := need(a.User != "" && a.Enabled != nil, "user and enabled"); err != nil {
			return nil, err
		}
		status := madmin.AccountDisabled
		if *a.Enabled {
			status = madmin.AccountEnabled
		}
		return nil, adm.SetUserStatus(ctx, a.User, status)
	},
	// add-policy {name, policy}: creates or replaces a canned policy; policy is the document itself.
	"add-policy": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		if err := need(a.Name != "" && len(a.Policy) > 0, "name and policy"); err != nil {
			return nil, err
		}
		return nil, adm.AddCannedPolicy(ctx, a.Name, a.Policy)
	},
	// attach-policy {user, name}: attaches the canned policy name to the user.
	"attach-policy": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		if err := need(a.User != "" && a.Name != "", "user and name"); err != nil {
			return nil, err
		}
		_, err := adm.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: []string{a.Name}, User: a.User})
		return nil, err
	},
	// add-service-account {targetUser?}: mints a service account (access key) for the caller,
	// or for targetUser; the result carries the new access key and its secret key.
	"add-service-account": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		creds, err := adm.AddServiceAccount(ctx, madmin.AddServiceAccountReq{TargetUser: a.TargetUser})
		if err != nil {
			return nil, err
		}
		return map[string]string{"accessKey": creds.AccessKey, "secretKey": creds.SecretKey}, nil
	},
	// list-service-accounts {user?}: the access keys of the caller's service accounts, or user's.
	"list-service-accounts": func(ctx context.Context, adm *madmin.AdminClient, _ caller, a args) (any, error) {
		resp, err := adm.ListServiceAccounts(ctx, a.User)
		if err != nil {
			return nil, err
		}
		keys := make([]string, 0, len(resp.Accounts))
		for _, account := range resp.Accounts {
			keys = append(keys, account.AccessKey)
		}
		return map[string][]string{"accessKeys": keys}, nil
	},
	// assume-role {}: STS AssumeRole as the caller; the result carries the temporary credentials.
	"assume-role": func(ctx context.Context, _ *madmin.AdminClient, c caller, _ args) (any, error) {
		sts, err := credentials.NewSTSAssumeRole("http://"+c.endpoint, credentials.STSAssumeRoleOptions{AccessKey: c.accessKey, SecretKey: c.secretKey})
		if err != nil {
			return nil, err
		}
		deadline, _ := ctx.Deadline()
		value, err := sts.GetWithContext(&credentials.CredContext{Client: &http.Client{Timeout: time.Until(deadline)}})
		if err != nil {
			return nil, err
		}
		return map[string]string{"accessKey": value.AccessKeyID, "secretKey": value.SecretAccessKey, "sessionToken": value.SessionToken}, nil
	},
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func need(ok bool, what string) error {
	if ok {
		return nil
	}
	return usageError{"the arguments on stdin must give " + what}
}

func operationNames() string {
	names := make([]string, 0, len(operations))
	for name := range operations {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func callerFromEnv() (caller, error) {
	c := caller{os.Getenv("MINIO_ADMIN_PROBE_ENDPOINT"), os.Getenv("MINIO_ADMIN_PROBE_ACCESS_KEY"), os.Getenv("MINIO_ADMIN_PROBE_SECRET_KEY")}
	if c.endpoint == "" || c.accessKey == "" || c.secretKey == "" {
		return c, usageError{"MINIO_ADMIN_PROBE_ENDPOINT, MINIO_ADMIN_PROBE_ACCESS_KEY and MINIO_ADMIN_PROBE_SECRET_KEY must all be set"}
	}
	return c, nil
}

// refusal is MinIO's error code and message when it answered with an error, else nil.
func refusal(err error) map[string]string {
	var admin madmin.ErrorResponse
	if errors.As(err, &admin) && admin.Code != "" {
		return map[string]string{"code": admin.Code, "message": admin.Message}
	}
	var sts credentials.ErrorResponse
	if errors.As(err, &sts) && sts.STSError.Code != "" {
		return map[string]string{"code": sts.STSError.Code, "message": sts.STSError.Message}
	}
	return nil
}

func run(name string, stdin io.Reader, stdout io.Writer) (int, error) {
	op, ok := operations[name]
	if !ok {
		return 2, usageError{fmt.Sprintf("unknown operation %q; one of: %s", name, operationNames())}
	}
	var a args
	decoder := json.NewDecoder(io.LimitReader(stdin, 1<<20))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&a); err != nil {
		return 2, usageError{fmt.Sprintf("stdin must be one JSON object of the operation's arguments: %v", err)}
	}
	c, err := callerFromEnv()
	if err != nil {
		return 2, err
	}
	adm, err := madmin.NewWithOptions(c.endpoint, &madmin.Options{Creds: credentials.NewStaticV4(c.accessKey, c.secretKey, ""), Secure: false})
	if err != nil {
		return 2, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	result, err := op(ctx, adm, c, a)
	var usage usageError
	if errors.As(err, &usage) {
		return 2, err
	}
	if refused := refusal(err); refused != nil {
		return 3, json.NewEncoder(stdout).Encode(map[string]any{"ok": false, "error": refused})
	}
	if err != nil {
		return 1, err
	}
	return 0, json.NewEncoder(stdout).Encode(map[string]any{"ok": true, "result": result})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: minio-admin-probe <operation> < arguments.json (operations: %s)\n", operationNames())
		os.Exit(2)
	}
	code, err := run(os.Args[1], os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "minio-admin-probe %s: %v\n", os.Args[1], err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

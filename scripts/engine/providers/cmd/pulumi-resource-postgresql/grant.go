package main

// postgresql_grant for object_type "database", re-implemented over the
// provider's connection. terraform-provider-postgresql v1.7.1 (the newest the
// proxy serves) cannot express what @pulumi/postgresql 3.18.1 (on
// cyrilgdn/terraform-provider-postgresql 1.2x) can:
//
//   - privileges = [] ("revoke everything"): v1.7.1 has MinItems 1 and would
//     send "GRANT  ON DATABASE ...";
//   - role = "public": v1.7.1's read looks the grantee up in pg_roles, finds
//     nothing, and drops the grant from the state on every refresh;
//   - the implicit default ACL (datacl NULL: PUBLIC has CONNECT, TEMPORARY) is
//     read as "no privileges".
//
// Other object types (table, sequence, function) still use v1.7.1's code,
// which needs at least one privilege and a role that exists in pg_roles.

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/helper/schema"
	"github.com/lib/pq"
	"github.com/terraform-providers/terraform-provider-postgresql/postgresql"
)

func patchGrant(p *schema.Provider) {
	r := p.ResourcesMap["postgresql_grant"]
	if r == nil {
		panic("postgresql: no postgresql_grant resource to patch")
	}
	r.Schema["privileges"].MinItems = 0
	upCreate, upRead, upDelete := r.Create, r.Read, r.Delete
	isDB := func(d *schema.ResourceData) bool { return d.Get("object_type").(string) == "database" }

	apply := func(d *schema.ResourceData, meta interface{}) error {
		if !isDB(d) {
			if d.Get("privileges").(*schema.Set).Len() == 0 {
				return errors.New("postgresql_grant: an empty privileges list is only supported for object_type " +
					"\"database\" by this build (terraform-provider-postgresql v1.7.1)")
			}
			return upCreate(d, meta)
		}
		return databaseGrantApply(d, meta.(*postgresql.Client).DB())
	}
	r.Create = apply
	r.Update = apply
	r.Read = func(d *schema.ResourceData, meta interface{}) error {
		if !isDB(d) {
			return upRead(d, meta)
		}
		return databaseGrantRead(d, meta.(*postgresql.Client).DB())
	}
	r.Delete = func(d *schema.ResourceData, meta interface{}) error {
		if !isDB(d) {
			return upDelete(d, meta)
		}
		return databaseGrantRevoke(d, meta.(*postgresql.Client).DB())
	}
}

// grantee renders the role: the PUBLIC pseudo-role, or a quoted role name.
func grantee(role string) string {
	if role == "public" {
		return "PUBLIC"
	}
	return pq.QuoteIdentifier(role)
}

// withCatalogRetry runs fn in a transaction, retrying when PostgreSQL reports a
// concurrent catalog update (another resource altering the same pg_database row).
func withCatalogRetry(db *sql.DB, fn func(*sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		var txn *sql.Tx
		if txn, err = db.Begin(); err != nil {
			return fmt.Errorf("could not start transaction: %w", err)
		}
		if err = fn(txn); err == nil {
			err = txn.Commit()
		} else {
			_ = txn.Rollback()
		}
		if err == nil || !strings.Contains(err.Error(), "tuple concurrently updated") {
			return err
		}
	}
	return err
}

func databaseGrantApply(d *schema.ResourceData, db *sql.DB) error {
	database, role := d.Get("database").(string), d.Get("role").(string)
	var privileges []string
	for _, p := range d.Get("privileges").(*schema.Set).List() {
		p := p.(string)
		switch p {
		case "ALL", "CREATE", "CONNECT", "TEMPORARY", "TEMP":
		default:
			return fmt.Errorf("%s is not an allowed privilege for object type database", p)
		}
		privileges = append(privileges, p)
	}
	sort.Strings(privileges)
	err := withCatalogRetry(db, func(txn *sql.Tx) error {
		// Revoke first so that shrinking the list takes effect, in the same
		// transaction so the role never loses privileges it keeps.
		if _, err := txn.Exec(fmt.Sprintf("REVOKE ALL PRIVILEGES ON DATABASE %s FROM %s",
			pq.QuoteIdentifier(database), grantee(role))); err != nil {
			return fmt.Errorf("could not revoke privileges on database %s from %s: %w", database, role, err)
		}
		if len(privileges) == 0 {
			return nil
		}
		q := fmt.Sprintf("GRANT %s ON DATABASE %s TO %s", strings.Join(privileges, ","),
			pq.QuoteIdentifier(database), grantee(role))
		if d.Get("with_grant_option").(bool) {
			q += " WITH GRANT OPTION"
		}
		if _, err := txn.Exec(q); err != nil {
			return fmt.Errorf("could not grant privileges on database %s to %s: %w", database, role, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.SetId(strings.Join([]string{role, database, "database"}, "_"))
	return databaseGrantRead(d, db)
}

// expand maps the privilege keywords a program may use to the ones the catalog reports.
func expand(privs []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range privs {
		switch p {
		case "ALL":
			out["CREATE"], out["CONNECT"], out["TEMPORARY"] = true, true, true
		case "TEMP":
			out["TEMPORARY"] = true
		default:
			out[p] = true
		}
	}
	return out
}

func databaseGrantRead(d *schema.ResourceData, db *sql.DB) error {
	database, role := d.Get("database").(string), d.Get("role").(string)
	var exists bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, database).Scan(&exists); err != nil {
		return fmt.Errorf("could not check if database %s exists: %w", database, err)
	}
	if !exists {
		d.SetId("")
		return nil
	}
	// The grantee of PUBLIC is oid 0. A NULL datacl means the default ACL
	// (PUBLIC: CONNECT, TEMPORARY; owner: everything), so expand it.
	var granteeOid sql.NullInt64
	if role == "public" {
		granteeOid = sql.NullInt64{Int64: 0, Valid: true}
	} else if err := db.QueryRow(`SELECT oid::bigint FROM pg_roles WHERE rolname = $1`, role).Scan(&granteeOid); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			d.SetId("")
			return nil
		}
		return fmt.Errorf("could not look up role %s: %w", role, err)
	}
	rows, err := db.Query(`
SELECT a.privilege_type
FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a
WHERE d.datname = $1 AND a.grantee = $2::oid`, database, granteeOid.Int64)
	if err != nil {
		return fmt.Errorf("could not read privileges on database %s: %w", database, err)
	}
	defer rows.Close()
	actual := map[string]bool{}
	var actualList []interface{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return fmt.Errorf("could not scan database privilege: %w", err)
		}
		actual[p] = true
		actualList = append(actualList, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var wanted []string
	for _, p := range d.Get("privileges").(*schema.Set).List() {
		wanted = append(wanted, p.(string))
	}
	if w := expand(wanted); len(w) == len(actual) && func() bool {
		for p := range w {
			if !actual[p] {
				return false
			}
		}
		return true
	}() {
		return nil // the state's spelling (ALL, TEMP) matches what the catalog holds
	}
	return d.Set("privileges", schema.NewSet(schema.HashString, actualList))
}

func databaseGrantRevoke(d *schema.ResourceData, db *sql.DB) error {
	database, role := d.Get("database").(string), d.Get("role").(string)
	var dbExists, roleExists bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1),
		$2 = 'public' OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2)`, database, role).Scan(&dbExists, &roleExists); err != nil {
		return fmt.Errorf("could not check database %s and role %s: %w", database, role, err)
	}
	if !dbExists || !roleExists {
		return nil
	}
	return withCatalogRetry(db, func(txn *sql.Tx) error {
		_, err := txn.Exec(fmt.Sprintf("REVOKE ALL PRIVILEGES ON DATABASE %s FROM %s",
			pq.QuoteIdentifier(database), grantee(role)))
		return err
	})
}

/** The config form's sections (fieldsets) for the sections the caller may change, the ingress rules included. */
import { FIELDS, INGRESS_PATH, INGRESS_PROTOCOLS, SECTION_TITLES } from "../forms/fields";
import type { ConfigDraft, IngressDraft } from "../forms/draft";
import type { PlacedProblem } from "../forms/problems";
import type { ConfigSection } from "../roles";
import { Field } from "./Field";
import { FieldProblems } from "./Problems";

/** Every anchor the config form has for these sections: fields, ingress rules and their fields, sections. */
export function configAnchors(sections: readonly ConfigSection[], draft: ConfigDraft): string[] {
  const anchors = sections.map((section) => `config.${section}`);
  anchors.push(...FIELDS.filter((field) => sections.includes(field.section)).map((field) => `config.${field.path}`));
  if (sections.includes("network")) {
    anchors.push(`config.${INGRESS_PATH}`);
    draft.ingress.forEach((_rule, index) => {
      const rule = `config.${INGRESS_PATH}[${index}]`;
      anchors.push(rule, ...["protocol", "port", "source_ips", "description"].map((key) => `${rule}.${key}`));
    });
  }
  // A one-field section (retention_days) has the field's own path: one anchor.
  return [...new Set(anchors)];
}

/** Whether a section has a field at its own path, which then shows the section's problems. */
const sectionIsField = (section: ConfigSection) => FIELDS.some((field) => field.path === section);

interface Props {
  readonly sections: readonly ConfigSection[];
  readonly draft: ConfigDraft;
  readonly onChange: (draft: ConfigDraft) => void;
  readonly problems: ReadonlyMap<string, PlacedProblem[]>;
}

export function ConfigFields({ sections, draft, onChange, problems }: Props) {
  const setValue = (path: string, value: string | boolean) => onChange({ ...draft, values: { ...draft.values, [path]: value } });
  const setRule = (index: number, rule: IngressDraft) => onChange({ ...draft, ingress: draft.ingress.map((old, i) => (i === index ? rule : old)) });
  return (
    <>
      {sections.map((section) => (
        <fieldset key={section} class="section">
          <legend>{SECTION_TITLES[section]}</legend>
          {sectionIsField(section) ? null : <FieldProblems anchor={`config.${section}`} problems={problems.get(`config.${section}`)} />}
          {FIELDS.filter((field) => field.section === section).map((field) => (
            <Field
              key={field.path}
              anchor={`config.${field.path}`}
              label={field.label}
              kind={field.kind}
              value={draft.values[field.path] ?? ""}
              onChange={(value) => setValue(field.path, value)}
              {...(field.options ? { options: field.options } : {})}
              {...(field.hint ? { hint: field.hint } : {})}
              {...(field.step ? { step: field.step } : {})}
              problems={problems.get(`config.${field.path}`)}
            />
          ))}
          {section === "network" ? (
            <IngressRules
              rules={draft.ingress}
              onRule={setRule}
              onRules={(ingress) => onChange({ ...draft, ingress })}
              problems={problems}
            />
          ) : null}
        </fieldset>
      ))}
    </>
  );
}

function IngressRules({ rules, onRule, onRules, problems }: { rules: readonly IngressDraft[]; onRule: (index: number, rule: IngressDraft) => void; onRules: (rules: IngressDraft[]) => void; problems: ReadonlyMap<string, PlacedProblem[]> }) {
  const base = `config.${INGRESS_PATH}`;
  return (
    <div class="ingress">
      <h3>Ingress rules</h3>
      <FieldProblems anchor={base} problems={problems.get(base)} />
      {rules.length === 0 ? <p class="hint">No inbound traffic but SSH from the sources above.</p> : null}
      {rules.map((rule, index) => {
        const at = `${base}[${index}]`;
        return (
          <fieldset key={index} class="rule">
            <legend>Rule {index + 1}</legend>
            <FieldProblems anchor={at} problems={problems.get(at)} />
            <Field anchor={`${at}.protocol`} label="Protocol" kind="select" options={INGRESS_PROTOCOLS} value={rule.protocol} onChange={(value) => onRule(index, { ...rule, protocol: String(value) })} problems={problems.get(`${at}.protocol`)} />
            <Field anchor={`${at}.port`} label="Port or range" kind="text" hint='e.g. 443 or "8000-8080"; none for icmp' value={rule.port} onChange={(value) => onRule(index, { ...rule, port: String(value) })} problems={problems.get(`${at}.port`)} />
            <Field anchor={`${at}.source_ips`} label="Sources" kind="words" hint="CIDRs, separated by commas" value={rule.sourceIps} onChange={(value) => onRule(index, { ...rule, sourceIps: String(value) })} problems={problems.get(`${at}.source_ips`)} />
            <Field anchor={`${at}.description`} label="Description" kind="text" value={rule.description} onChange={(value) => onRule(index, { ...rule, description: String(value) })} problems={problems.get(`${at}.description`)} />
            <button type="button" class="secondary" onClick={() => onRules(rules.filter((_rule, i) => i !== index))}>
              Remove rule {index + 1}
            </button>
          </fieldset>
        );
      })}
      <button type="button" class="secondary" onClick={() => onRules([...rules, { protocol: "tcp", port: "", sourceIps: "", description: "" }])}>
        Add an ingress rule
      </button>
    </div>
  );
}

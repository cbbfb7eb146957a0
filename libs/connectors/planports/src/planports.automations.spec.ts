import { planportsAutomations } from './planports.automations';

const workflow = (over: Record<string, unknown>) => ({
  workflow_id: 'wf_000001', name: 'Test', description: null, object: 'deal', active: true, trigger_type: 'field_changed', trigger_field: null,
  trigger_value: null, schedule: null, pipeline_id: null, conditions: '[]', actions: '[]', created_by: 'usr_000001', last_run_at: null,
  run_count: 0, created_at: null, updated_at: null, custom: {}, ...over,
});

const rule = (over: Record<string, unknown>) => ({
  rule_id: 'rule_000001', board_id: 'brd_000001', name: 'Done: close deal', active: true, trigger_type: 'card_moved_to_column',
  trigger_column_id: 'col_000005', conditions: '[]', actions: '[]', created_by: 'usr_000001', created_at: null, updated_at: null, custom: {}, ...over,
});

describe('planportsAutomations', () => {
  it('has nothing to say about records of other streams', () => {
    expect(planportsAutomations('deal', { deal_id: 'dl_1' })).toEqual([]);
  });

  it('structures a workflow: trigger, parsed conditions and actions', () => {
    const [a] = planportsAutomations(
      'workflow_automation',
      workflow({
        name: 'Deposit paid: book travel task', trigger_type: 'stage_changed', trigger_field: 'stage_id', trigger_value: 'stg_000010', pipeline_id: 'pl_000002',
        conditions: '[{"field":"amount","operator":"greater_than","value":"1000"}]',
        actions: '[{"type":"create_task","subject":"Book hotel","due_in_days":2}]',
        active: false,
      }),
    );
    expect(a).toEqual({
      id: 'wf_000001',
      name: 'Deposit paid: book travel task',
      kind: 'workflow',
      active: false,
      trigger: { type: 'stage_changed', object: 'deal', field: 'stage_id', value: 'stg_000010', schedule: null, pipeline_id: 'pl_000002' },
      conditions: [{ field: 'amount', operator: 'greater_than', value: '1000' }],
      actions: [{ type: 'create_task', subject: 'Book hotel', due_in_days: 2 }],
      rebuildIn: {
        dynamics: expect.stringMatching(/^Power Automate cloud flow, Dataverse trigger "When a row is modified" on opportunity filtered on the stage .* to "stg_000010" where amount greater than "1000"$/),
        salesforce: expect.stringMatching(/^After-save record-triggered flow on Opportunity \(updated, only when stage_id changes to "stg_000010"\)/),
      },
    });
  });

  it.each([
    ['a field update on create', { trigger_type: 'record_created', object: 'contact', actions: '[{"type":"set_field","field":"language","value":"de"}]' }, /^Business rule on contact/, /^Before-save record-triggered flow on Contact \(created\)/],
    ['a task on create', { trigger_type: 'record_created', object: 'contact', actions: '[{"type":"create_task"}]' }, /^Power Automate cloud flow, Dataverse trigger "When a row is added" on contact/, /^After-save record-triggered flow on Contact \(created\)/],
    ['a schedule', { trigger_type: 'scheduled', schedule: '0 9 * * 1-5' }, /^Power Automate scheduled cloud flow \(Recurrence matching cron "0 9 \* \* 1-5"\)/, /^Schedule-triggered flow \(cron "0 9 \* \* 1-5"\) on Opportunity/],
    ['an ad form', { trigger_type: 'form_submitted', object: 'lead' }, /"When a row is added" on lead/, /^After-save record-triggered flow on Lead \(created\)/],
    ['an inbound WhatsApp message', { trigger_type: 'whatsapp_message_received', object: 'contact' }, /WhatsApp/, /^Platform event-triggered flow/],
    ['a field update on change', { trigger_type: 'field_changed', object: 'quote', trigger_field: 'approval_status', actions: '[{"type":"set_field"}]' }, /^Business rule on quote when approval_status changes/, /^Before-save record-triggered flow on Quote \(updated, ISCHANGED\(approval_status\)\)/],
    ['an order payment', { trigger_type: 'field_changed', object: 'order', trigger_field: 'payment_status', trigger_value: 'paid', actions: '[{"type":"update_related"}]' }, /on salesorder filtered on payment_status to "paid"/, /on Order \(updated/],
  ])('rebuilds %s where it belongs', (_what, over, dynamics, salesforce) => {
    const [a] = planportsAutomations('workflow_automation', workflow(over));
    expect(a.rebuildIn.dynamics).toMatch(dynamics);
    expect(a.rebuildIn.salesforce).toMatch(salesforce);
  });

  it.each([
    ['card_moved_to_column', /board-column choice .* col_000005/, /Opportunity \(Case for service boards\) when the board-column field changes to col_000005/],
    ['due_date_passed', /^Power Automate scheduled cloud flow \(daily\)/, /scheduled path/],
    ['card_created', /"When a row is added" on the task that holds the card/, /round-robin needs an assignment rule or Omni-Channel/],
  ])('rebuilds a Kanban rule on %s', (trigger, dynamics, salesforce) => {
    const [a] = planportsAutomations('board_automation_rule', rule({ trigger_type: trigger }));
    expect(a).toMatchObject({ id: 'rule_000001', kind: 'kanban-rule', active: true, trigger: { type: trigger, board_id: 'brd_000001', column_id: 'col_000005' } });
    expect(a.rebuildIn.dynamics).toMatch(dynamics);
    expect(a.rebuildIn.salesforce).toMatch(salesforce);
  });

  it('names the record and field when the rule text is not a JSON array of objects', () => {
    expect(() => planportsAutomations('workflow_automation', workflow({ conditions: 'country = DE' }))).toThrow(/workflow_automation wf_000001: conditions is not JSON/);
    expect(() => planportsAutomations('board_automation_rule', rule({ actions: '{"type":"x"}' }))).toThrow(/board_automation_rule rule_000001: actions should be a JSON array of objects/);
  });

  it('treats missing rule text as no conditions or actions', () => {
    const [a] = planportsAutomations('workflow_automation', workflow({ conditions: null, actions: null }));
    expect(a.conditions).toEqual([]);
    expect(a.actions).toEqual([]);
  });
});

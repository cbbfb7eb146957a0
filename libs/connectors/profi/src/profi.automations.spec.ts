import { profiAutomations } from './profi.automations';
import { REMINDER_SEQUENCES } from './sample/profi-sample.vocabulary';

function sequence(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [name, event, sessionType, steps] = REMINDER_SEQUENCES[i];
  return {
    sequence_id: `RS-${i + 1}`,
    name,
    active: true,
    trigger_event: event,
    session_type: sessionType,
    program_id: null,
    steps: steps.map(([offset_minutes, channel, recipient, template, subject], k) => ({ position: k + 1, offset_minutes, channel, recipient, template, subject })),
    created_by: null,
    created_at: null,
    updated_at: null,
    custom: {},
    ...extra,
  };
}

describe('profiAutomations', () => {
  it('describes a session reminder as a trigger, its filters and timed actions, rebuilt as a scheduled flow', () => {
    const [a] = profiAutomations('reminder_sequence', sequence(1, { program_id: 'PR-0000007', active: false }));
    expect(a).toEqual({
      id: 'RS-2',
      name: 'Intro call confirmation',
      kind: 'reminder-sequence',
      active: false,
      trigger: { event: 'session.scheduled', object: 'session', when: 'a session is booked or moved' },
      conditions: [
        { field: 'session_type', operator: 'equals', value: 'Intro call' },
        { field: 'program_id', operator: 'equals', value: 'PR-0000007' },
        { field: 'status', operator: 'equals', value: 'Scheduled' },
      ],
      actions: [
        { type: 'send-email', to: 'client', template: 'intro-confirm', subject: 'Looking forward to meeting you', offsetMinutes: 0, relativeTo: 'session start' },
        { type: 'send-email', to: 'coach', template: 'coach-brief', subject: 'Intro call in 2 hours', offsetMinutes: -120, relativeTo: 'session start' },
      ],
      rebuildIn: { dynamics: expect.stringMatching(/^Power Automate scheduled cloud flow/), salesforce: expect.stringMatching(/^Record-triggered Flow .* scheduled path/) },
    });
    expect(a.rebuildIn.dynamics).not.toMatch(/messaging connector/);
  });

  it('knows where every sequence the sample writes belongs, and flags steps that need SMS or push', () => {
    for (let i = 0; i < REMINDER_SEQUENCES.length; i++) {
      const [a] = profiAutomations('reminder_sequence', sequence(i));
      expect(a.trigger.object).not.toBe('unknown');
      expect(a.actions).toHaveLength(REMINDER_SEQUENCES[i][3].length);
      expect(a.rebuildIn.dynamics).toMatch(/Power Automate|classic workflow/);
      expect(a.rebuildIn.salesforce).toMatch(/Flow/);
      const messaging = REMINDER_SEQUENCES[i][3].some(([, channel]) => channel !== 'email');
      expect(a.rebuildIn.dynamics.includes('messaging connector')).toBe(messaging);
    }
  });

  it('orders actions by step position and adds the filters the trigger implies', () => {
    const shuffled = sequence(5);
    shuffled.steps = [...(shuffled.steps as unknown[])].reverse();
    const [a] = profiAutomations('reminder_sequence', shuffled);
    expect(a.actions.map((x) => x.offsetMinutes)).toEqual([1440, 10080, 20160]);
    expect(a.conditions).toEqual([{ field: 'status', operator: 'in', value: ['Open', 'Overdue', 'Partially paid'] }]);
    expect(a.rebuildIn.salesforce).toMatch(/due date/);
  });

  it('still lists a sequence with an event it does not know, asking for a review', () => {
    const [a] = profiAutomations('reminder_sequence', sequence(0, { trigger_event: 'birthday.today', steps: [] }));
    expect(a.trigger).toEqual({ event: 'birthday.today', object: 'unknown', when: 'an event Ferry does not know' });
    expect(a.actions).toEqual([]);
    expect(a.rebuildIn.dynamics).toMatch(/review/);
  });

  it('returns nothing for streams that are not automations', () => {
    expect(profiAutomations('session', sequence(0))).toEqual([]);
    expect(profiAutomations('custom_field', {})).toEqual([]);
  });
});

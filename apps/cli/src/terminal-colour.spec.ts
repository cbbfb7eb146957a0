/** Off a terminal, ferry's tables carry no colour codes, even with cli-table3's default style. */
describe('terminal colour', () => {
  const saved = { force: process.env.FORCE_COLOR, tty: process.stdout.isTTY };
  afterEach(() => {
    if (saved.force === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = saved.force;
    process.stdout.isTTY = saved.tty;
  });

  function table(): string {
    let text = '';
    jest.isolateModules(() => {
      require('./terminal-colour');
      const Table = require('cli-table3') as new (o: object) => { push(row: string[]): void; toString(): string };
      const t = new Table({ head: ['object', 'records'] });
      t.push(['contact', '12']);
      text = t.toString();
    });
    return text;
  }

  it('leaves colour out when stdout is not a terminal', () => {
    delete process.env.FORCE_COLOR;
    process.stdout.isTTY = false;
    expect(table()).not.toContain('\u001b[');
    expect(table()).toContain('contact');
  });

  it('keeps what the person asked for with FORCE_COLOR', () => {
    process.env.FORCE_COLOR = '1';
    process.stdout.isTTY = false;
    expect(table()).toContain('\u001b[');
  });
});

// How a Slack message reads in the terminal (demo, --dry-run): mrkdwn, mentions and links, each kind of block, and
// fields aligned as a table. Plain text unless colour is asked for.
import { describe, expect, it } from 'vitest';
import { displayWidth, renderMessageText } from '../../../src/bot/blocks/render-text.ts';

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });
const button = (text: string) => ({ type: 'button', text: plain(text), action_id: text.toLowerCase() });

describe('rendering mrkdwn text', () => {
  it.each([
    ['bold and italic lose their markers', '*SUBS* is at _90%_', 'SUBS is at 90%'],
    ['strike keeps its tildes without colour', 'was ~40h~ now 42h', 'was ~40h~ now 42h'],
    ['inline code keeps its backticks', 'run `pm-agents demo`', 'run `pm-agents demo`'],
    ['markers inside words are text', 'snake_case_name and 2*3*4', 'snake_case_name and 2*3*4'],
    ['a labelled link reads label (url)', 'See <https://jira.test/browse/SUBS-1|SUBS-1>', 'See SUBS-1 (https://jira.test/browse/SUBS-1)'],
    ['a bare link reads as its url', 'See <https://agency.test>', 'See https://agency.test'],
    ['a mailto link reads as the address', 'Mail <mailto:grace@agency.test|grace@agency.test>', 'Mail grace@agency.test'],
    ['a user mention reads @id', 'Ping <@U01ADA>', 'Ping @U01ADA'],
    ['a channel mention reads #name', 'In <#C0SUBS|subscriptions>', 'In #subscriptions'],
    ['special mentions read @here', '<!here> and <!channel>', '@here and @channel'],
    ['a user group reads its handle', 'Ask <!subteam^S01|@platform>', 'Ask @platform'],
    ['a date reads its fallback', 'Due <!date^1763000000^{date_short}|Nov 13>', 'Due Nov 13'],
    ['entities are decoded', 'a &lt; b &amp;&amp; c &gt; d', 'a < b && c > d'],
    ['known emoji become emoji', ':white_check_mark: done, :warning: late, :unknown_thing: kept', '✅ done, ⚠️ late, :unknown_thing: kept'],
    ['quotes get a bar', '> quoted\nnot quoted', '│ quoted\nnot quoted'],
    ['code blocks are indented and left unformatted', '```\nSELECT *\nFROM t\n```', '    SELECT *\n    FROM t'],
    ['bold around a mention', '*<@U01ADA>* approved', '@U01ADA approved'],
  ])('%s', (_name, text, expected) => {
    expect(renderMessageText({ text })).toBe(expected);
  });

  it('shows names for mentions when it knows them', () => {
    expect(renderMessageText({ text: '<@U01ADA> and <@U0UNKNOWN>' }, { names: { U01ADA: 'Ada Lovelace' } })).toBe('@Ada Lovelace and @U0UNKNOWN');
  });

  it('wraps long text at the width, never inside a word', () => {
    const text = 'one two three four five six seven eight nine ten';
    expect(renderMessageText({ text }, { width: 20 }).split('\n')).toEqual(['one two three four', 'five six seven eight', 'nine ten']);
  });

  it('uses ANSI styles only when colour is asked for', () => {
    expect(renderMessageText({ text: '*bold* _it_ ~gone~ `x`' })).not.toContain('\x1b[');
    expect(renderMessageText({ text: '*bold* _it_ ~gone~ `x`' }, { color: true })).toBe(
      '\x1b[1mbold\x1b[22m \x1b[3mit\x1b[23m \x1b[9mgone\x1b[29m \x1b[36mx\x1b[39m',
    );
  });
});

describe('rendering blocks', () => {
  it.each([
    ['a header is underlined', [{ type: 'header', text: plain('Weekly time tracking') }], 'Weekly time tracking\n════════════════════'],
    ['a divider is a rule', [{ type: 'divider' }], '─'.repeat(40)],
    ['buttons read [ Label ]', [{ type: 'actions', elements: [button('Approve'), button('Reject')] }], '[ Approve ]  [ Reject ]'],
    ['a select shows its placeholder', [{ type: 'actions', elements: [{ type: 'static_select', placeholder: plain('Pick an epic'), options: [] }] }], '[ Pick an epic ▾ ]'],
    ['a section accessory follows the text', [{ type: 'section', text: mrkdwn('*SUBS-12* needs an epic'), accessory: button('Assign') }], 'SUBS-12 needs an epic\n[ Assign ]'],
    ['context is a dotted aside', [{ type: 'context', elements: [mrkdwn('Sent by *pm-agents*'), plain('as of Nov 10')] }], '  · Sent by pm-agents · as of Nov 10'],
    ['an image reads [image: alt]', [{ type: 'image', image_url: 'https://x.test/c.png', alt_text: 'Burn-down chart' }], '[image: Burn-down chart]'],
    ['a file reads [file: id]', [{ type: 'file', external_id: 'report-2025-11', source: 'remote' }], '[file: report-2025-11]'],
    ['an unknown block is named', [{ type: 'carousel' }], '[carousel]'],
  ])('%s', (_name, blocks, expected) => {
    expect(renderMessageText({ text: 'fallback', blocks }, { width: 40 })).toBe(expected);
  });

  it('puts buttons that do not fit on the next line, never breaking one', () => {
    const blocks = [{ type: 'actions', elements: [button('Approve'), button('Request changes'), button('Reject')] }];
    expect(renderMessageText({ blocks }, { width: 32 }).split('\n')).toEqual(['[ Approve ]  [ Request changes ]', '[ Reject ]']);
  });

  it('shows the blocks rather than the fallback text', () => {
    expect(renderMessageText({ text: 'Budget alert', blocks: [{ type: 'section', text: plain('SUBS at 90%') }] })).toBe('SUBS at 90%');
  });

  it('lays fields out in two aligned columns', () => {
    const blocks = [
      {
        type: 'section',
        fields: [mrkdwn('*Used*\n108h'), mrkdwn('*Budget*\n120h'), mrkdwn('*Projected exhaustion*\nNov 24'), mrkdwn('*Status*\n:red_circle: over'), mrkdwn('*Owner*\nGrace')],
      },
    ];
    expect(renderMessageText({ blocks }, { width: 60 }).split('\n')).toEqual([
      'Used                   Budget',
      '108h                   120h',
      'Projected exhaustion   Status',
      'Nov 24                 🔴 over',
      'Owner',
      'Grace',
    ]);
  });

  it('renders rich text lists, code and quotes', () => {
    const blocks = [
      {
        type: 'rich_text',
        elements: [
          { type: 'rich_text_section', elements: [{ type: 'text', text: 'Plan for ' }, { type: 'user', user_id: 'U01ADA' }, { type: 'text', text: ':' }] },
          {
            type: 'rich_text_list',
            style: 'ordered',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'text', text: 'Create the epic', style: { bold: true } }] },
              { type: 'rich_text_section', elements: [{ type: 'link', url: 'https://docs.test/spec', text: 'Review the spec' }] },
            ],
          },
          { type: 'rich_text_list', style: 'bullet', indent: 1, elements: [{ type: 'rich_text_section', elements: [{ type: 'emoji', name: 'eyes' }, { type: 'text', text: ' by Friday' }] }] },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'pm-agents run plan-executor' }] },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'Ship it' }] },
        ],
      },
    ];
    expect(renderMessageText({ blocks }, { names: { U01ADA: 'Ada Lovelace' } }).split('\n')).toEqual([
      'Plan for @Ada Lovelace:',
      '  1. Create the epic',
      '  2. Review the spec (https://docs.test/spec)',
      '    ◦ 👀 by Friday',
      '    pm-agents run plan-executor',
      '│ Ship it',
    ]);
  });

  it('renders a table block with aligned columns', () => {
    const cell = (text: string) => ({ type: 'raw_text', text });
    const blocks = [{ type: 'table', rows: [[cell('Project'), cell('Hours')], [cell('Subscriptions'), cell('108')], [cell('Stagecoach'), cell('12')]] }];
    expect(renderMessageText({ blocks }).split('\n')).toEqual(['Project        Hours', 'Subscriptions  108', 'Stagecoach     12']);
  });

  it('dims context only in colour', () => {
    const blocks = [{ type: 'context', elements: [plain('as of Nov 10')] }];
    expect(renderMessageText({ blocks }, { color: true })).toBe('\x1b[2m  · as of Nov 10\x1b[22m');
  });
});

describe('display width', () => {
  it.each([
    ['plain text', 'abc', 3],
    ['ANSI codes take no room', '\x1b[1mabc\x1b[22m', 3],
    ['an emoji takes two columns', '🔴 over', 7],
    ['a variation selector takes none', '⚠️', 2],
  ])('%s', (_name, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

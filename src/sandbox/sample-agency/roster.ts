// The people of the sample agency: the forty of the demo (fixed names, so docs and tests can name them) with the roles
// the scenario gives some of them, then generated people for larger sizes, and the ids each system knows them by.
import type { Random } from '../random.ts';

export const TEAM_DISCIPLINES = ['platform', 'mobile', 'design', 'data'] as const;
export type Discipline = (typeof TEAM_DISCIPLINES)[number];

/** The demo's forty, ten per team; the first of each ten is the team's PM. */
const DEMO_ROSTER: readonly (readonly string[])[] = [
  ['Maya Patel', 'Daniel Okafor', 'Sofia Martinez', 'Liam Chen', 'Hannah Kim', 'Noah Williams', 'Aisha Rahman', 'Ethan Brooks', 'Chloe Dubois', 'Lucas Silva'],
  ['Olivia Nguyen', 'James Carter', 'Priya Shah', 'Mateo Rossi', 'Emma Johansson', 'Kwame Mensah', 'Zoe Anderson', "Ryan O'Connor", 'Yuki Tanaka', 'Isabella Costa'],
  ['Grace Lee', 'Marcus Johnson', 'Ava Thompson', 'Jonas Weber', 'Leila Haddad', 'Samuel Osei', 'Nina Petrova', 'Diego Alvarez', 'Harper Scott', 'Arjun Mehta'],
  ['Elena Novak', 'Ben Clarke', 'Mia Fischer', 'Omar Farouk', 'Lily Evans', 'Tomás Herrera', 'Ruby Walsh', 'Kenji Sato', 'Amara Obi', 'Victor Lindqvist'],
];
export const DEMO_PEOPLE = DEMO_ROSTER.length * 10;

/**
 * Who plays which part in the scenario (the same names at every seed and size). Hours are for the last complete week
 * before the as-of (Nov 17–23 in the demo); everyone else active logged at least 32 h that week.
 */
export const SAMPLE_CAST = {
  /** Logged exactly 32 h: compliant, on the line. */
  exactly32: 'Priya Shah',
  /** Logged 31 h 59 m (31.98 h): one minute short. */
  justUnder32: 'Liam Chen',
  /** Logged nothing. */
  nothingLogged: 'Jonas Weber',
  /** weekly_hours 20, logged 17 h: compliant for a 20-hour week (16 h is 80 % of it). */
  partTimer: 'Isabella Costa',
  /** 20 h, after 18.5 h and 22 h the two weeks before: a three-week streak. */
  repeatOffender: 'Marcus Johnson',
  /** Logged too little: the repeat offender (20 h), 26.5 h, and 12 h. */
  lowLoggers: ['Marcus Johnson', 'Omar Farouk', 'Victor Lindqvist'],
  /** Left mid-October (`active: false`); has worklogs before that. */
  inactive: 'Lucas Silva',
  /** Only an email in the config, and Slack knows no one with that email: cannot be DMed. */
  unknownToSlack: 'Victor Lindqvist',
  /** Only an email in the config (no slack_user_id); Slack finds all but unknownToSlack by email. */
  emailOnly: ['Omar Farouk', 'Tomás Herrera', "Ryan O'Connor", 'Nina Petrova', 'Victor Lindqvist'],
  /** Logs time on SUBS but is not in the config. */
  contractor: 'Marco Bianchi',
  /** Retainers: over 90 % of November's hours by the as-of, over 75 %, and healthy. */
  hotRetainer: 'SUBS',
  warmRetainer: 'HRBR',
  healthyRetainer: 'NWND',
  /** Minutes logged in the last complete week by the people above. */
  lastWeekMinutes: {
    'Priya Shah': 32 * 60,
    'Liam Chen': 32 * 60 - 1,
    'Jonas Weber': 0,
    'Isabella Costa': 17 * 60,
    'Marcus Johnson': 20 * 60,
    'Omar Farouk': 26 * 60 + 30,
    'Victor Lindqvist': 12 * 60,
  } as Readonly<Record<string, number>>,
} as const;

/** The repeat offender's minutes two weeks and one week before the last complete week. */
export const REPEAT_OFFENDER_EARLIER_MINUTES = [18 * 60 + 30, 22 * 60] as const;

const FIRST_NAMES = [
  'Alex', 'Bianca', 'Carlos', 'Dana', 'Eli', 'Farah', 'Gabriel', 'Hana', 'Ivan', 'Jade', 'Kai', 'Lena', 'Milo', 'Nadia', 'Oscar', 'Paula',
  'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wes', 'Xenia', 'Yosef', 'Zara', 'Anika', 'Bruno', 'Celine', 'Dev', 'Esme', 'Felix',
  'Greta', 'Hugo', 'Ines', 'Jonah', 'Kira', 'Leo', 'Marta', 'Nico', 'Olga', 'Pablo', 'Rhea', 'Simon', 'Tess', 'Ugo', 'Viola', 'Wanda',
  'Yara', 'Zane', 'Adele', 'Boris', 'Clara', 'Dmitri', 'Elif', 'Finn', 'Gia', 'Hector', 'Iris', 'Joel',
];
const LAST_NAMES = [
  'Abbott', 'Bauer', 'Castillo', 'Dimitrov', 'Eriksen', 'Ferreira', 'Gallagher', 'Horvat', 'Ibrahim', 'Jensen', 'Kowalski', 'Larsen',
  'Moreau', 'Nakamura', 'Oyelaran', 'Pereira', 'Quintero', 'Romano', 'Schmidt', 'Takahashi', 'Ueda', 'Varga', 'Wójcik', 'Xu', 'Yilmaz',
  'Zhang', 'Adeyemi', 'Bergström', 'Chowdhury', 'Duarte', 'Eze', 'Fontaine', 'Gupta', 'Hansen', 'Iqbal', 'Jovanović', 'Kaur', 'Lindgren',
  'Mendoza', 'Novotná', 'Okonkwo', 'Park', 'Reyes', 'Sørensen', 'Torres', 'Umarov', 'Vasquez', 'Wright', 'Yamamoto', 'Zielinski',
  'Arslan', 'Brennan', 'Costa', 'Delgado', 'Engel', 'Fischer', 'Grant', 'Haddad', 'Iverson', 'Jung',
];

export interface SamplePerson {
  index: number;
  name: string;
  email: string;
  accountId: string;
  /** In the config. */
  slackUserId: string | undefined;
  /** Their Slack user's id, whether the config names it or Slack finds it by email; undefined when Slack does not know them. */
  slackId: string | undefined;
  githubLogin: string | undefined;
  team: number;
  pm: boolean;
  active: boolean;
  weeklyHours: number;
  /** When they log time: at the end of each day, on Friday afternoon for the week, or on the Monday after. */
  habit: 'daily' | 'friday' | 'monday';
  /** Projects they log time on, with weights (filled in with the projects). */
  projects: number[];
  weights: number[];
}

export interface SampleContractor {
  name: string;
  email: string;
  accountId: string;
}

const HEX = '0123456789abcdef';
const SLACK_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Jira Cloud account ids come in two shapes: 24 hex digits (older accounts) and `712020:<uuid>`. */
export function jiraAccountId(rng: Random): string {
  if (rng.chance(0.5)) return `${rng.pick(['5b', '5c', '5d', '60', '61', '62', '63'])}${rng.chars(HEX, 22)}`;
  const variant = rng.pick(['8', '9', 'a', 'b']);
  return `712020:${rng.chars(HEX, 8)}-${rng.chars(HEX, 4)}-4${rng.chars(HEX, 3)}-${variant}${rng.chars(HEX, 3)}-${rng.chars(HEX, 12)}`;
}

/** A Slack id such as U07QK8M2ZL1 (users) or C07QK8M2ZL1 (channels), unique within `taken`. */
export function slackId(prefix: 'U' | 'C', rng: Random, taken: Set<string>): string {
  for (;;) {
    const id = `${prefix}0${rng.chars('123456789', 1)}${rng.chars(SLACK_CHARS, 8)}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** Lowercase ASCII letters only: "Tomás" → "tomas", "O'Connor" → "oconnor". */
export function asciiWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function unique(base: string, taken: Set<string>, separator: string): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}${separator}${n}`;
  taken.add(candidate);
  return candidate;
}

function githubLoginFor(name: string, rng: Random, taken: Set<string>): string {
  const parts = name.split(' ');
  const first = asciiWord(parts[0]!);
  const last = asciiWord(parts[parts.length - 1]!);
  const style = rng.int(0, 3);
  const base = style === 0 ? `${first}${last[0]}` : style === 1 ? `${first}-${last}` : style === 2 ? `${first[0]}${last}` : `${first}${last}${rng.int(10, 99)}`;
  return unique(base, taken, '-');
}

export function teamName(team: number): string {
  const discipline = TEAM_DISCIPLINES[team % TEAM_DISCIPLINES.length]!;
  return team < TEAM_DISCIPLINES.length ? discipline : `${discipline}-${Math.floor(team / TEAM_DISCIPLINES.length) + 1}`;
}

export function teamDiscipline(team: number): Discipline {
  return TEAM_DISCIPLINES[team % TEAM_DISCIPLINES.length]!;
}

/** Names beyond the demo's forty: first × last pairs, with a middle initial once the pairs run out. */
function generatedName(k: number): string {
  const pairs = FIRST_NAMES.length * LAST_NAMES.length;
  const round = Math.floor(k / pairs);
  const j = k % pairs;
  const first = FIRST_NAMES[j % FIRST_NAMES.length]!;
  const last = LAST_NAMES[(j + Math.floor(j / FIRST_NAMES.length)) % LAST_NAMES.length]!;
  return round === 0 ? `${first} ${last}` : `${first} ${String.fromCharCode(65 + ((round - 1) % 26))}. ${last}`;
}

export interface Roster {
  people: SamplePerson[];
  /** Person index of each team's PM. */
  teamPms: number[];
  contractor: SampleContractor;
}

/** `count` people (≥ 40) in `teamCount` teams: the demo roster first, then generated people spread over every team. */
export function buildRoster(count: number, teamCount: number, rng: Random): Roster {
  const people: SamplePerson[] = [];
  const teamPms: number[] = [];
  const names = new Set<string>();
  const emails = new Set<string>();
  const accounts = new Set<string>();
  const slackIds = new Set<string>();
  const logins = new Set<string>();
  const emailOnly = new Set<string>(SAMPLE_CAST.emailOnly);

  const add = (name: string, team: number, pm: boolean): void => {
    names.add(name);
    const parts = name.split(' ');
    const email = `${unique(`${asciiWord(parts[0]!)}.${asciiWord(parts[parts.length - 1]!)}`, emails, '')}@agency.test`;
    let accountId = jiraAccountId(rng);
    while (accounts.has(accountId)) accountId = jiraAccountId(rng);
    accounts.add(accountId);
    // A few people beyond the demo are known to the config by email only, as in the demo.
    const onlyEmail = emailOnly.has(name) || (people.length >= DEMO_PEOPLE && rng.chance(0.08));
    const sid = name === SAMPLE_CAST.unknownToSlack ? undefined : slackId('U', rng, slackIds);
    const discipline = teamDiscipline(team);
    const codes = !pm && rng.chance(discipline === 'design' ? 0.3 : 0.85);
    const habitDraw = rng.next();
    people.push({
      index: people.length,
      name,
      email,
      accountId,
      slackUserId: onlyEmail ? undefined : sid,
      slackId: sid,
      githubLogin: codes ? githubLoginFor(name, rng, logins) : undefined,
      team,
      pm,
      active: name !== SAMPLE_CAST.inactive,
      weeklyHours: name === SAMPLE_CAST.partTimer ? 20 : 40,
      habit: habitDraw < 0.7 ? 'daily' : habitDraw < 0.9 ? 'friday' : 'monday',
      projects: [],
      weights: [],
    });
    if (pm) teamPms[team] = people.length - 1;
  };

  DEMO_ROSTER.forEach((members, team) => members.forEach((name, i) => add(name, team, i === 0)));
  for (let k = 0; people.length < count; k++) {
    const name = generatedName(k);
    if (names.has(name)) continue;
    const team = (people.length - DEMO_PEOPLE) % teamCount;
    add(name, team, teamPms[team] === undefined);
  }
  let contractorId = jiraAccountId(rng);
  while (accounts.has(contractorId)) contractorId = jiraAccountId(rng);
  return { people, teamPms, contractor: { name: SAMPLE_CAST.contractor, email: 'marco@bianchi-studio.test', accountId: contractorId } };
}

/**
 * The first article, about OpenAI's Stargate Norway data centre, as structured content. Taken from
 * stargate-norway.source.txt beside this file: title, standfirst, every paragraph of the body in order,
 * the hero image's alt text and credit, the categories, the source, and the site's notice that its
 * articles are written by AI (ai_generated). The narrow no-break spaces (U+202F) that French puts
 * before ? : « » are kept as the page has them.
 */
import type { CreateArticleInput } from '../src/modules/articles/schemas.js';

export const STARGATE_NORWAY_PUBLISHED_AT = '2025-08-01T08:00:00.000Z';

export const stargateNorway: CreateArticleInput = {
  title: 'OpenAI choisit-elle la Norvège pour renforcer ou contourner la souveraineté numérique européenne\u202f?',
  lang: 'fr',
  standfirst:
    'OpenAI va-t-elle bouleverser l’équilibre européen de l’intelligence artificielle avec son projet inédit Stargate Norway\u202f? Alors que l’Union européenne accélère massivement dans la course à la souveraineté numérique, pourquoi le premier data center IA d’OpenAI sur le continent est-il annoncé… en Norvège, hors UE, et avec des acteurs privés\u202f?',
  body: [
    'L’annonce, faite jeudi, intrigue. D’un côté, OpenAI s’allie avec Nscale, une entreprise britannique d’infrastructures cloud IA, et le norvégien Aker pour bâtir Stargate Norway, un centre de données alimenté par l’IA à Narvik, dans le Grand Nord norvégien. De l’autre, la startup californienne n’investit pas dans les «\u202fAI factories\u202f» pharaoniques (30 milliards d’euros pour 13 sites) prévues par Bruxelles, mais se place comme «\u202foff-taker\u202f», achetant la capacité de ce data center qui sera propriété de Nscale et Aker à parts égales.',
    'Pourquoi une telle indépendance\u202f? Les deux partenaires assurent vouloir «\u202ftirer parti d’une puissance de calcul souveraine européenne\u202f», non seulement pour OpenAI, mais prioritairement pour les startups et chercheurs norvégiens. Mais comment se fait-il que ce projet échappe complètement à la feuille de route européenne\u202f? Le choix de la Norvège – hors UE mais dotée d’un secteur énergétique ultra-compétitif et d’un écosystème tech dynamique – serait-il un acte politique, ou une simple question de pragmatisme industriel\u202f?',
    'OpenAI choisit la Norvège pour son premier data center IA européen, une décision qui interroge sur l’indépendance numérique du continent.',
    'Sur le plan technique, les ambitions sont claires\u202f: 1 milliard de dollars engagés par chacun des partenaires pour une première phase de 20 mégawatts – avant d’atteindre les 230, puis 290 MW annoncés, alimentés par 100\u202f000 GPU Nvidia d’ici fin 2026. Le site s’appuie sur l’hydroélectricité locale, une température naturellement fraîche, et promet une «\u202fefficacité de refroidissement maximale\u202f» via des solutions à la pointe du durable, jusqu’à la valorisation de la chaleur «\u202fperdue\u202f» pour des entreprises bas-carbone locales. Le projet coche ainsi toutes les cases des nouvelles normes européennes\u202f: transparence énergétique, récupération de chaleur (directive efficacité énergétique), mais reste en dehors du giron direct de la récente EU AI Act qui impose des garde-fous stricts aux technologies à risque.',
    'Faut-il y voir une façon pour OpenAI de rester agile, sans s’encombrer des lourdeurs réglementaires communautaires, tout en capitalisant sur le marché européen\u202f? Notons que cette annonce intervient sept mois après un investissement dégainé à 500 milliards de dollars aux États-Unis, aux côtés d’Oracle et SoftBank, et à peine quelques jours après la naissance de Stargate UAE, le pendant émirati. OpenAI tisse donc une toile globale, sélectionnant ses marchés, ses alliés et ses terrains de jeu.',
    'En toile de fond, un autre enjeu capital\u202f: la récupération de la chaleur et l’impact écologique. Narvik, avec son énergie renouvelable et son climat froid, devient ainsi un laboratoire grandeur nature des promesses d’une IA «\u202fverte\u202f». Mais cette indépendance – vis-à-vis des garanties européennes – est-elle rassurante ou menaçante pour la souveraineté des données sensibles sur le continent\u202f?',
    'Entre diplomatie industrielle, calculs énergétiques et géopolitique du cloud, qui tient réellement les rênes de l’indépendance européenne face aux géants américains comme OpenAI\u202f? Le choix norvégien de Stargate est-il l’aube d’un nouveau modèle d’infrastructure souveraine… ou bien la démonstration des limites du projet européen\u202f?',
  ].join('\n\n'),
  tags: ['Blockchain', 'Intelligence Artificielle', 'Technologie'],
  credits: [
    { role: 'image', name: 'Ben Wicks', organization: 'Unsplash', url: null, license: null },
    { role: 'source', name: 'Techcrunch', organization: null, url: null, license: null },
  ],
  hero_image: {
    url: null,
    alt: 'chart, treemap chart',
    caption: null,
    credit: { name: 'Ben Wicks', organization: 'Unsplash', url: null },
  },
  source: { name: 'Techcrunch', url: null },
  ai_generated: true,
  comments_open: true,
};

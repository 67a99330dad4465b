import { startFakeWikimedia } from '/work/main/src/dev/fake-wikimedia/index.js';
const fake = await startFakeWikimedia({ fixturesDir: '/work/main/test/fixtures/wikimedia-captures', seed: 1 });
console.log(fake.fixtures);
const get = async (u: string) => (await fetch(u)).text();
console.log(await get(`${fake.wikipediaUrl.replace('{lang}','en')}/w/api.php?action=query&prop=info|pageprops&ppprop=wikibase_item|disambiguation&redirects=1&titles=Karlsruhe|Stellar_astronomy|Douglas_Adams&format=json&formatversion=2`));
console.log(fake.wikipediaUrl, fake.wikidataUrl);
console.log((await get(`${fake.wikidataUrl}/w/api.php?action=wbgetentities&ids=Q32063953|Q42|Q9322&props=info|labels|sitelinks/urls&languages=en|mul&sitefilter=enwiki&format=json`)).slice(0,1500));
await fake.close();

-- No form or request could name a fiche's GTT before this: every GTT was told of every fiche's steps. Each fiche
-- without one takes its author's GTT when the author sits in exactly one GTT of its convention.
UPDATE "FicheAction" AS f
SET "gttId" = mine."gttId"
FROM (
  SELECT f2.id AS "ficheId", MIN(i.id) AS "gttId"
  FROM "FicheAction" f2
  JOIN "Instance" i ON i."conventionId" = f2."conventionId" AND i.kind = 'gtt'
  JOIN "Membership" m ON m."instanceId" = i.id
  JOIN "Person" p ON p.id = m."personId" AND lower(p.email) = lower(f2."authorEmail")
  WHERE f2."gttId" IS NULL
  GROUP BY f2.id
  HAVING COUNT(*) = 1
) AS mine
WHERE f.id = mine."ficheId";

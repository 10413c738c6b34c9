import { handleTrpcRequest } from "~/server/api/handler";
import { getApiServices } from "~/server/api/services";

const handler = (req: Request) => handleTrpcRequest(req, getApiServices);

export { handler as GET, handler as POST };
